import type { LowerCtx, Value } from "../lower.js";
import { max } from "../prims/max.js";
import { poolWindows } from "./lib/pool.js";
import type { OpSpec } from "./op.js";

/**
 * GlobalMaxPool: the max over all spatial positions of each channel, at X's scale (no rescale first):
 * (positions − 1) Max2 comparisons of (difference width + 1) constraints per channel.
 */
export const globalMaxPool: OpSpec = {
  opType: "GlobalMaxPool",
  summary: "max over the spatial axes; (positions−1)·(width+1) per channel",
  lower(ctx: LowerCtx): Value[] {
    const { x, outShape, rows } = poolWindows(ctx, true);
    return [{ kind: "signal", q: max(ctx, [x], rows, outShape) }];
  },
};

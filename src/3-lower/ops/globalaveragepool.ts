import type { LowerCtx, Value } from "../lower.js";
import { average, poolWindows } from "./lib/pool.js";
import type { OpSpec } from "./op.js";

/**
 * GlobalAveragePool: the mean over all spatial positions of each channel. Free (one affine map); scale
 * as AveragePool's (exact when the spatial size is a power of two).
 */
export const globalAveragePool: OpSpec = {
  opType: "GlobalAveragePool",
  summary: "mean over the spatial axes; free",
  lower(ctx: LowerCtx): Value[] {
    const p = poolWindows(ctx, true);
    return [{ kind: "signal", q: average(ctx, p, p.padded) }];
  },
};

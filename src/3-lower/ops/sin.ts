import type { LowerCtx, Value } from "../lower.js";
import { approxOverRange } from "./lib/elementary.js";
import type { OpSpec } from "./op.js";

/**
 * Sin: a piecewise polynomial over the input range (no range reduction: a period needs about 6
 * segments of degree 4 at the default scale, so 2^14 units, [-32, 32) at 2^8, is the widest fitted).
 * Output at the working scale.
 */
export const sin: OpSpec = {
  opType: "Sin",
  summary: "piecewise polynomial over the input range (at most 2^14 units wide); error measured",
  lower(ctx: LowerCtx): Value[] {
    return [{ kind: "signal", q: approxOverRange(ctx, { f: Math.sin, maxBits: 14 }) }];
  },
};

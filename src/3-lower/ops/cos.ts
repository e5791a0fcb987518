import type { LowerCtx, Value } from "../lower.js";
import { approxOverRange } from "./lib/elementary.js";
import type { OpSpec } from "./op.js";

/** Cos: as Sin, a piecewise polynomial over an input range at most 2^14 units wide. */
export const cos: OpSpec = {
  opType: "Cos",
  summary: "piecewise polynomial over the input range (at most 2^14 units wide); error measured",
  lower(ctx: LowerCtx): Value[] {
    return [{ kind: "signal", q: approxOverRange(ctx, { f: Math.cos, maxBits: 14 }) }];
  },
};

import type { LowerCtx, Value } from "../lower.js";
import { approxOverRange } from "./lib/elementary.js";
import type { OpSpec } from "./op.js";

/** Asinh: a piecewise polynomial over the input range (it grows like log, so no clamping domain). */
export const asinh: OpSpec = {
  opType: "Asinh",
  summary: "piecewise polynomial over the input range (at most 2^15 units wide); error measured",
  lower(ctx: LowerCtx): Value[] {
    return [{ kind: "signal", q: approxOverRange(ctx, { f: Math.asinh, maxBits: 15 }) }];
  },
};

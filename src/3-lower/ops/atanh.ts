import type { LowerCtx, Value } from "../lower.js";
import { approxOverRange, definedOn } from "./lib/elementary.js";
import type { OpSpec } from "./op.js";

/**
 * Atanh: the input must be proven within (-1, 1) (atanh is unbounded at ±1); a piecewise polynomial over
 * its range, whose measured error grows near ±1.
 */
export const atanh: OpSpec = {
  opType: "Atanh",
  summary: "input proven within (-1, 1); piecewise polynomial over the input range; error measured",
  lower(ctx: LowerCtx): Value[] {
    const q = approxOverRange(ctx, { f: Math.atanh, maxBits: 16, reject: definedOn("atanh", -1, 1, true) });
    return [{ kind: "signal", q }];
  },
};

import type { LowerCtx, Value } from "../lower.js";
import { approxOverRange, definedOn } from "./lib/elementary.js";
import type { OpSpec } from "./op.js";

/**
 * Acosh: the input must be proven at least 1; a piecewise polynomial over its range. Just above 1 acosh
 * is steep (a square-root edge): the measured error grows there (reported, not hidden).
 */
export const acosh: OpSpec = {
  opType: "Acosh",
  summary: "input proven ≥ 1; piecewise polynomial over the input range; error measured",
  lower(ctx: LowerCtx): Value[] {
    const reject = definedOn("acosh", 1, Number.POSITIVE_INFINITY);
    return [{ kind: "signal", q: approxOverRange(ctx, { f: Math.acosh, maxBits: 16, reject }) }];
  },
};

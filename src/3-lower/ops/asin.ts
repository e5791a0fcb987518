import type { LowerCtx, Value } from "../lower.js";
import { approxOverRange, definedOn } from "./lib/elementary.js";
import type { OpSpec } from "./op.js";

/**
 * Asin: the input must be proven within [-1, 1]; a piecewise polynomial over its range. Near ±1 asin is
 * steep (a square-root edge): the measured error grows there (reported, not hidden).
 */
export const asin: OpSpec = {
  opType: "Asin",
  summary: "input proven within [-1, 1]; piecewise polynomial over the input range; error measured",
  lower(ctx: LowerCtx): Value[] {
    const q = approxOverRange(ctx, { f: Math.asin, maxBits: 16, reject: definedOn("asin", -1, 1) });
    return [{ kind: "signal", q }];
  },
};

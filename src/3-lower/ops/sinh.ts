import type { LowerCtx, Value } from "../lower.js";
import { approxOverRange, growthLimit } from "./lib/elementary.js";
import type { OpSpec } from "./op.js";

/**
 * Sinh: a piecewise polynomial over the input range, |x| <= 40 as Exp (e^40 · 2^s fits far below the
 * field). It grows like e^|x|, so its measured error is absolute and grows with the range (reported).
 */
export const sinh: OpSpec = {
  opType: "Sinh",
  summary: "piecewise polynomial over the input range (|x| ≤ 40); error measured (absolute)",
  lower(ctx: LowerCtx): Value[] {
    const q = approxOverRange(ctx, { f: Math.sinh, maxBits: 16, reject: growthLimit("sinh", 40) });
    return [{ kind: "signal", q }];
  },
};

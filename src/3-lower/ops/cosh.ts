import type { LowerCtx, Value } from "../lower.js";
import { approxOverRange, growthLimit } from "./lib/elementary.js";
import type { OpSpec } from "./op.js";

/** Cosh: as Sinh, a piecewise polynomial over the input range, |x| <= 40; error measured (absolute). */
export const cosh: OpSpec = {
  opType: "Cosh",
  summary: "piecewise polynomial over the input range (|x| ≤ 40); error measured (absolute)",
  lower(ctx: LowerCtx): Value[] {
    const q = approxOverRange(ctx, { f: Math.cosh, maxBits: 16, reject: growthLimit("cosh", 40) });
    return [{ kind: "signal", q }];
  },
};

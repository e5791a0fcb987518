import type { LowerCtx, Value } from "../lower.js";
import { approxOverRange } from "./lib/elementary.js";
import type { OpSpec } from "./op.js";

/**
 * Atan: a piecewise polynomial over the input range. It saturates too slowly to clamp (π/2 − atan(L) ≈
 * 1/L, so L ≈ 2^(s+2)), so the range itself is fitted, at most 2^14 units wide ([-32, 32) at 2^8).
 */
export const atan: OpSpec = {
  opType: "Atan",
  summary: "piecewise polynomial over the input range (at most 2^14 units wide); error measured",
  lower(ctx: LowerCtx): Value[] {
    return [{ kind: "signal", q: approxOverRange(ctx, { f: Math.atan, maxBits: 14 }) }];
  },
};

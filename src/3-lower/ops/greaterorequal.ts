import type { LowerCtx, Value } from "../lower.js";
import { compare } from "./lib/comparison.js";
import type { OpSpec } from "./op.js";

/**
 * GreaterOrEqual with numpy broadcasting, as 0/1 at scale 0: [a >= b] = [a − b >= 0] on the aligned
 * integers: IsNonNeg, the difference's width per element. Operands are aligned to the finest signal scale
 * (free); a constant operand is compared exactly with the quantized signal (see comparison.ts). Error: 0
 * on exact inputs, else 1 (a value within its error of the threshold may flip).
 */
export const greaterOrEqual: OpSpec = {
  opType: "GreaterOrEqual",
  summary: "a >= b on fixed point: the difference's width per element, 0/1 at scale 0",
  lower(ctx: LowerCtx): Value[] {
    return compare(ctx, "ge", false);
  },
};

import type { LowerCtx, Value } from "../lower.js";
import { binaryLogic } from "./lib/logic.js";
import type { OpSpec } from "./op.js";

/**
 * Xor of two boolean tensors with numpy broadcasting, 0/1 at scale 0: a + b − 2·a·b (one product per element; with a constant c: c ? 1 − x : x, free).
 * Signal operands must be proven 0/1 (scale 0, bounds within [0, 1]; see logic.ts), else an error.
 */
export const xor: OpSpec = {
  opType: "Xor",
  summary: "a + b − 2ab on 0/1 signals: 1 constraint per element (free with a constant)",
  lower(ctx: LowerCtx): Value[] {
    return binaryLogic(ctx, "xor");
  },
};

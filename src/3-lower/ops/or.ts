import type { LowerCtx, Value } from "../lower.js";
import { binaryLogic } from "./lib/logic.js";
import type { OpSpec } from "./op.js";

/**
 * Or of two boolean tensors with numpy broadcasting, 0/1 at scale 0: a + b − a·b (one product per element; with a constant c: c ? 1 : x, free).
 * Signal operands must be proven 0/1 (scale 0, bounds within [0, 1]; see logic.ts), else an error.
 */
export const or: OpSpec = {
  opType: "Or",
  summary: "a + b − ab on 0/1 signals: 1 constraint per element (free with a constant)",
  lower(ctx: LowerCtx): Value[] {
    return binaryLogic(ctx, "or");
  },
};

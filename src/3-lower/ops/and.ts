import type { LowerCtx, Value } from "../lower.js";
import { binaryLogic } from "./lib/logic.js";
import type { OpSpec } from "./op.js";

/**
 * And of two boolean tensors with numpy broadcasting, 0/1 at scale 0: a·b (one product per element; with a constant c: c ? x : 0, free).
 * Signal operands must be proven 0/1 (scale 0, bounds within [0, 1]; see logic.ts), else an error.
 */
export const and: OpSpec = {
  opType: "And",
  summary: "a·b on 0/1 signals: 1 constraint per element (free with a constant)",
  lower(ctx: LowerCtx): Value[] {
    return binaryLogic(ctx, "and");
  },
};

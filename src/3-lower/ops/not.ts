import type { LowerCtx, Value } from "../lower.js";
import { linear } from "../prims/basic.js";
import { booleanOperand } from "./lib/logic.js";
import type { OpSpec } from "./op.js";

/**
 * Not of a boolean tensor: 1 − x, free (an affine map), 0/1 at scale 0. The input must be proven 0/1
 * (scale 0, bounds within [0, 1]; see logic.ts), else an error. Error: the input's.
 */
export const not: OpSpec = {
  opType: "Not",
  summary: "1 − x on a 0/1 signal (free)",
  lower(ctx: LowerCtx): Value[] {
    const v = booleanOperand(ctx, 0);
    if (v.kind !== "signal") return ctx.error("bug", "Not of a constant (it should have been folded)");
    return [{ kind: "signal", q: linear(ctx, [v.q], (i) => [[i, -1n]], 1n, v.q.shape) }];
  },
};

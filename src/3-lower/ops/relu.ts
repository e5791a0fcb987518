import type { LowerCtx, Value } from "../lower.js";
import type { OpSpec } from "./op.js";

/**
 * Relu, fused with the rescale back to the working scale: the sign comes from the same bit decomposition
 * that range-checks the rescale's quotient, so a ReLU after a linear layer costs one constraint more than
 * the rescale alone.
 */
export const relu: OpSpec = {
  opType: "Relu",
  summary: "fused with the rescale to the working scale (N+1 constraints per element)",
  lower(ctx: LowerCtx): Value[] {
    const x = ctx.signal(0);
    const k = Math.max(0, x.scale - ctx.workScale);
    return [{ kind: "signal", q: ctx.rescale(x, k, true, ctx.node.outputs[0] ?? "") }];
  },
};

import type { ConstTensor } from "../../1-decode/graph.js";
import type { QTensor } from "../ir.js";
import type { LowerCtx, Value } from "../lower.js";
import { mapConst, scalarTensor, weightedSum } from "./lib/elementwise.js";
import type { OpSpec } from "./op.js";

/**
 * x for x >= 0, alpha·x below, as (1 − alpha)·max(x, 0) + alpha·x: exact for any alpha, and the only
 * constraints are the ReLU's, fused with the rescale to the working scale (N + 1 per element). alpha is a
 * constant (broadcast to x, PRelu's slope) taken at its exact scale (at most the param scale), so the
 * output is at x's scale plus that (a power-of-two alpha adds only a few bits). Error: the ReLU's rounding
 * times |1 − alpha|, plus alpha's quantization times |x|.
 */
export function leaky(ctx: LowerCtx, x: QTensor, alpha: ConstTensor): QTensor {
  const k = Math.max(0, x.scale - ctx.workScale);
  const pos = ctx.rescale(x, k, true, `${ctx.node.outputs[0] ?? ""}/relu`);
  return weightedSum(
    ctx,
    [
      { q: pos, w: mapConst(alpha, (a) => 1 - a) },
      { q: x, w: alpha },
    ],
    x.shape,
  );
}

/** LeakyRelu(alpha = 0.01): see `leaky`. */
export const leakyRelu: OpSpec = {
  opType: "LeakyRelu",
  summary: "(1 − alpha)·relu(x) + alpha·x: exact, the ReLU's N + 1 constraints per element",
  lower(ctx: LowerCtx): Value[] {
    return [{ kind: "signal", q: leaky(ctx, ctx.signal(0), scalarTensor(ctx.float("alpha", 0.01))) }];
  },
};

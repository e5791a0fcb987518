import type { QTensor } from "../ir.js";
import type { LowerCtx, Value } from "../lower.js";
import { broadcastIndex } from "./lib/broadcast.js";
import { binaryInputs, weightedSum } from "./lib/elementwise.js";
import { productOperands, products } from "./lib/products.js";
import type { OpSpec } from "./op.js";

/**
 * Mul with numpy broadcasting.
 * - signal × constant: free (an affine map). The constant is taken at its exact scale (2 or 0.25 are exact
 *   at scale 0 or 2) or else at the param scale; output scale s_x + that.
 * - signal × signal: one constraint per distinct product (the mul prim). Output scale s_a + s_b; a factor
 *   above the working scale is rescaled to it first when s_a + s_b would exceed 2·ws (products.ts), so
 *   chains like x·x·x stay at 2·ws. Two working-scale factors are not rescaled: what follows (a ReLU, a
 *   linear layer's rescale) brings the product back.
 */
export const mul: OpSpec = {
  opType: "Mul",
  summary: "numpy broadcasting; × constant free, signal × signal 1 constraint per product",
  lower(ctx: LowerCtx): Value[] {
    const { a, b, shape } = binaryInputs(ctx);
    if (a.kind === "signal" && b.kind === "signal")
      return [{ kind: "signal", q: multiply(ctx, a.q, b.q, shape) }];
    const [x, c] = a.kind === "signal" ? [a, b] : [b, a];
    if (x.kind !== "signal" || c.kind !== "const") return ctx.error("bug", "Mul without a signal operand");
    return [{ kind: "signal", q: weightedSum(ctx, [{ q: x.q, w: c.t }], shape) }];
  },
};

/** Elementwise a · b broadcast to `shape` (mul prim; repeated products computed once). */
export function multiply(ctx: LowerCtx, a0: QTensor, b0: QTensor, shape: number[], name?: string): QTensor {
  const [a, b] = productOperands(ctx, a0, b0);
  const ia = broadcastIndex(shape, a.shape);
  const { p, at } = products(ctx, a, b, ia, broadcastIndex(shape, b.shape), name, shape);
  return p.lo.length === at.length ? p : ctx.gather([p], at, shape, name);
}

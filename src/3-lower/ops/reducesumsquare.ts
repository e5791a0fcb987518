import type { QTensor } from "../ir.js";
import type { LowerCtx, Value } from "../lower.js";
import { mul } from "../prims/mul.js";
import { type Reduction, reduction, sumGroups } from "./lib/reduce-axes.js";
import type { OpSpec } from "./op.js";

/**
 * ReduceSumSquare: Σx² over the reduced axes: one product per input element (the mul prim), the sum
 * free. Scale: twice the input's. Axes: attribute (opset < 18) or constant input; keepdims,
 * noop_with_empty_axes (then x² elementwise, as onnxruntime does).
 */
export const reduceSumSquare: OpSpec = {
  opType: "ReduceSumSquare",
  summary: "Σx² over axes: one product per element, the sum free (scale doubles)",
  lower(ctx: LowerCtx): Value[] {
    const x = ctx.signal(0);
    const r = reduction(ctx, x.shape);
    return [{ kind: "signal", q: sumOfSquares(ctx, x, r, ctx.node.outputs[0] ?? "") }];
  },
};

/** Σx² per group at scale 2·s_x (ReduceSumSquare, ReduceL2). */
export function sumOfSquares(ctx: LowerCtx, x: QTensor, r: Reduction, name: string): QTensor {
  const iota = Int32Array.from(x.lo, (_, j) => j);
  const sq = mul(ctx, x, iota, x, iota, x.shape, r.count === 1 ? name : `${name}/square`);
  return r.count === 1 ? ctx.alias(sq, r.shape) : sumGroups(ctx, sq, r.groups, r.shape, name);
}

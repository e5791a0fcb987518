import type { LowerCtx, Value } from "../lower.js";
import { reduction } from "./lib/reduce-axes.js";
import type { OpSpec } from "./op.js";
import { sumOfSquares } from "./reducesumsquare.js";
import { squareRoot } from "./sqrt.js";

/**
 * ReduceL2: floor square root of Σx² over the reduced axes: one product per input element, the sum free,
 * then the sqrt prim per output (2·NX + 1 constraints, NX = the sum's width; see Sqrt). Scale: the
 * working scale or the input's, whichever is finer. Error: ‖·‖₂ is 1-Lipschitz, so sqrt(Σ e_i²) for the
 * input errors e_i, plus < 2^-scale for the floor. Axes: attribute (opset < 18) or constant input;
 * keepdims, noop_with_empty_axes (then |x| elementwise, as onnxruntime does).
 */
export const reduceL2: OpSpec = {
  opType: "ReduceL2",
  summary: "sqrt(Σx²) over axes: one product per element + a floor sqrt per output",
  lower(ctx: LowerCtx): Value[] {
    const x = ctx.signal(0);
    const r = reduction(ctx, x.shape);
    const name = ctx.node.outputs[0] ?? "";
    const y = squareRoot(ctx, sumOfSquares(ctx, x, r, `${name}/sumsq`), name);
    r.groups.forEach((g, i) => {
      const e = Math.sqrt(g.reduce((s, j) => s + (x.err[j] as number) ** 2, 0)) + 2 ** -y.scale;
      y.err[i] = Math.min(y.err[i] as number, e);
    });
    return [{ kind: "signal", q: y }];
  },
};

import type { LowerCtx, Value } from "../lower.js";
import { average } from "./lib/pool.js";
import { reduction } from "./lib/reduce-axes.js";
import type { OpSpec } from "./op.js";

/**
 * ReduceMean: the sum over the reduced axes times 1/count, free (one affine map). Scale as AveragePool's:
 * + log2(count) when count is a power of two (exact), else 1/count is quantized at
 * max(param scale, working scale + ⌈log2 count⌉) and its rounding joins the error bound.
 * Axes: attribute (opset < 18) or constant input (opset >= 18); keepdims, noop_with_empty_axes.
 */
export const reduceMean: OpSpec = {
  opType: "ReduceMean",
  summary: "mean over axes (free; exact when the count is a power of two)",
  lower(ctx: LowerCtx): Value[] {
    const x = ctx.signal(0);
    const r = reduction(ctx, x.shape);
    if (r.count === 1) return [{ kind: "signal", q: ctx.alias(x, r.shape) }];
    const counts = new Int32Array(r.groups.length).fill(r.count);
    return [
      { kind: "signal", q: average(ctx, { x, outShape: r.shape, rows: r.groups, padded: counts }, counts) },
    ];
  },
};

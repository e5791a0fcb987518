import type { LowerCtx, Value } from "../lower.js";
import { reduction, sumGroups } from "./lib/reduce-axes.js";
import type { OpSpec } from "./op.js";

/**
 * ReduceSum: Σ over the reduced axes, free (one affine map) at the input's scale. Attributes keepdims and
 * noop_with_empty_axes; axes as an attribute (opset < 13) or a constant input (opset >= 13).
 */
export const reduceSum: OpSpec = {
  opType: "ReduceSum",
  summary: "sum over axes (free)",
  lower(ctx: LowerCtx): Value[] {
    const x = ctx.signal(0);
    const r = reduction(ctx, x.shape);
    const q = r.count === 1 ? ctx.alias(x, r.shape) : sumGroups(ctx, x, r.groups, r.shape);
    return [{ kind: "signal", q }];
  },
};

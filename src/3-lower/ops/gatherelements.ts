import type { QTensor } from "../ir.js";
import type { LowerCtx, Value } from "../lower.js";
import { dataSignal, elementsLayout, route } from "./lib/indexing.js";
import { chooseStrict, indexSignal, selectData } from "./lib/select.js";
import type { OpSpec } from "./op.js";

/**
 * GatherElements(axis = 0), indices of the data's rank: out[i] = data[i with axis coordinate replaced by
 * indices[i]] (negative indices count from the end); output shape = indices shape, scale unchanged.
 * Constant indices: free (wiring). Indices computed from the input: a one-hot over each index's proven
 * candidates (select.ts), (positions − 1) products per element from signal data, free from a constant;
 * an index outside the axis has no witness.
 */
export const gatherElements: OpSpec = {
  opType: "GatherElements",
  summary:
    "any axis; constant indices free; computed: one-hot of the K candidates (≤ K − 1), K − 1 products per element",
  lower(ctx: LowerCtx): Value[] {
    const computed = ctx.required(1).kind === "signal";
    const ind = computed ? undefined : ctx.constant(1, "the GatherElements indices");
    const dshape = ctx.shapeOf(0);
    const ishape = ind?.shape ?? ctx.shapeOf(1);
    const { d, stride, base, target } = elementsLayout(ctx, dshape, ishape);
    if (!ind) return [{ kind: "signal", q: computedElements(ctx, base, d, stride) }];
    const x = dataSignal(ctx);
    const src = Int32Array.from(ind.data, target);
    return [{ kind: "signal", q: route(ctx, x, src, [...ind.shape]) }];
  },
};

/** Indices computed from the input: output element i selects along the axis with index element i. */
function computedElements(ctx: LowerCtx, base: Int32Array, d: number, stride: number): QTensor {
  const j = indexSignal(ctx, 1);
  const at = Int32Array.from(base, (_, i) => i);
  return selectData(ctx, ctx.required(0), chooseStrict(ctx, j, d), at, base, stride, [...j.shape]);
}

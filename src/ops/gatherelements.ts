import type { QTensor } from "../3-quantize/ir.js";
import type { LowerCtx, Value } from "../3-quantize/lower.js";
import { dataSignal, mapIndex, normAxis, route, strides } from "./indexing.js";
import type { OpSpec } from "./op.js";
import { chooseStrict, indexSignal, selectData } from "./select.js";

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
    const rank = dshape.length;
    const axis = normAxis(ctx, ctx.int("axis", 0), rank);
    if (ishape.length !== rank || ishape.some((s, i) => i !== axis && s > (dshape[i] as number)))
      ctx.error(
        "bad-shape",
        `indices of shape [${ishape}] do not fit data of shape [${dshape}] on axis ${axis}`,
      );
    const d = dshape[axis] as number;
    const st = strides(dshape);
    const base = (idx: readonly number[]) => {
      let f = 0;
      for (let i = 0; i < rank; i++) if (i !== axis) f += (idx[i] as number) * (st[i] as number);
      return f;
    };
    if (!ind)
      return [{ kind: "signal", q: computedElements(ctx, mapIndex(ishape, base), d, st[axis] as number) }];
    const x = dataSignal(ctx);
    let k = 0;
    const src = mapIndex(ind.shape, (idx) => {
      const v = ind.data[k++] as number;
      if (!Number.isInteger(v) || v < -d || v >= d)
        ctx.error("bad-onnx", `index ${v} (flat position ${k - 1}) is out of range for dimension ${d}`);
      return (v < 0 ? v + d : v) * (st[axis] as number) + base(idx);
    });
    return [{ kind: "signal", q: route(ctx, x, src, [...ind.shape]) }];
  },
};

/** Indices computed from the input: output element i selects along the axis with index element i. */
function computedElements(ctx: LowerCtx, base: Int32Array, d: number, stride: number): QTensor {
  const j = indexSignal(ctx, 1);
  const at = Int32Array.from(base, (_, i) => i);
  return selectData(ctx, ctx.required(0), chooseStrict(ctx, j, d), at, base, stride, [...j.shape]);
}

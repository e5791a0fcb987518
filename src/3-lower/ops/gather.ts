import type { QTensor } from "../ir.js";
import type { LowerCtx, Value } from "../lower.js";
import { dataSignal, mapIndex, normAxis, route, strides } from "./lib/indexing.js";
import { chooseStrict, indexSignal, selectData } from "./lib/select.js";
import type { OpSpec } from "./op.js";

/**
 * Gather(axis = 0), indices of any shape (negative ones count from the end): output shape
 * data[:axis] + indices + data[axis+1:], scale unchanged. Constant indices: free (wiring). Indices
 * computed from the input: a one-hot over each index's proven candidates (select.ts), free from a
 * constant table (an embedding, a tree's node table), (positions − 1) products per output from signals;
 * an index outside the axis has no witness.
 */
export const gather: OpSpec = {
  opType: "Gather",
  summary:
    "any axis; constant indices free; computed: one-hot of the K candidates (≤ K − 1), free from a table, else K − 1 products",
  lower(ctx: LowerCtx): Value[] {
    if (ctx.required(1).kind === "signal") return [{ kind: "signal", q: gatherComputed(ctx) }];
    const ind = ctx.constant(1, "the Gather indices");
    const x = dataSignal(ctx);
    const axis = normAxis(ctx, ctx.int("axis", 0), x.shape.length);
    const d = x.shape[axis] as number;
    const index = Array.from(ind.data, (v, k) => {
      if (!Number.isInteger(v) || v < -d || v >= d)
        ctx.error("bad-onnx", `index ${v} (flat position ${k}) is out of range for dimension ${d}`);
      return v < 0 ? v + d : v;
    });
    const q = ind.shape.length;
    const shape = [...x.shape.slice(0, axis), ...ind.shape, ...x.shape.slice(axis + 1)];
    const st = strides(x.shape);
    const ist = strides(ind.shape);
    const src = mapIndex(shape, (idx) => {
      let f = 0;
      for (let i = 0; i < axis; i++) f += (idx[i] as number) * (st[i] as number);
      let k = 0;
      for (let j = 0; j < q; j++) k += (idx[axis + j] as number) * (ist[j] as number);
      f += (index[k] as number) * (st[axis] as number);
      for (let i = axis + 1; i < x.shape.length; i++) f += (idx[i + q - 1] as number) * (st[i] as number);
      return f;
    });
    return [{ kind: "signal", q: route(ctx, x, src, shape) }];
  },
};

/** Gather with indices computed from the input; the data may be a constant or signals. */
function gatherComputed(ctx: LowerCtx): QTensor {
  const j = indexSignal(ctx, 1);
  const dshape = ctx.shapeOf(0);
  const axis = normAxis(ctx, ctx.int("axis", 0), dshape.length);
  const q = j.shape.length;
  const shape = [...dshape.slice(0, axis), ...j.shape, ...dshape.slice(axis + 1)];
  const st = strides(dshape);
  const ist = strides(j.shape);
  const at = new Int32Array(shape.reduce((a, b) => a * b, 1));
  let o = 0;
  const base = mapIndex(shape, (idx) => {
    let f = 0;
    for (let i = 0; i < axis; i++) f += (idx[i] as number) * (st[i] as number);
    for (let i = axis + 1; i < dshape.length; i++) f += (idx[i + q - 1] as number) * (st[i] as number);
    let k = 0;
    for (let t = 0; t < q; t++) k += (idx[axis + t] as number) * (ist[t] as number);
    at[o++] = k;
    return f;
  });
  const ch = chooseStrict(ctx, j, dshape[axis] as number);
  return selectData(ctx, ctx.required(0), ch, at, base, st[axis] as number, shape);
}

import { numel } from "../../1-decode/graph.js";
import type { LowerCtx, Value } from "../lower.js";
import { dataSignal, mapIndex, route, strides } from "./lib/indexing.js";
import { indexSignal, selectData } from "./lib/select.js";
import { chooseTuples, constTuples } from "./lib/select-nd.js";
import type { OpSpec } from "./op.js";

/**
 * GatherND(batch_dims = 0; opset 12+): indices of shape [..., m] hold tuples of m indices into the data's
 * dimensions b..b+m−1 (b = batch_dims; negative ones count from the end); the first b dimensions of data
 * and indices are shared batch dimensions. Output shape indices.shape[:-1] + data.shape[b+m:], scale
 * unchanged. Constant indices: free (wiring). Indices computed from the input: each tuple selects a slice
 * through its indicators (select-nd.ts: a one-hot per component, combined), free from a constant table,
 * (candidates − 1) products per output element from signals; a tuple outside the data has no witness.
 */
export const gatherND: OpSpec = {
  opType: "GatherND",
  summary:
    "batch_dims; constant indices free; computed: one-hot per tuple component, combined by N·(K − 1) products, then as Gather",
  lower(ctx: LowerCtx): Value[] {
    const computed = ctx.required(1).kind === "signal";
    const ind = computed ? undefined : ctx.constant(1, "the GatherND indices");
    const dshape = ctx.shapeOf(0);
    const ishape = ind?.shape ?? ctx.shapeOf(1);
    const b = ctx.int("batch_dims", 0);
    const r = dshape.length;
    const q = ishape.length;
    const m = ishape[q - 1] ?? 0;
    if (!Number.isInteger(b) || b < 0 || b >= Math.min(q, r))
      ctx.error(
        "bad-attribute",
        `batch_dims ${b} must be in [0, ${Math.min(q, r)}) for data rank ${r} and indices rank ${q}`,
      );
    if (m < 1 || m > r - b)
      ctx.error(
        "bad-shape",
        `index tuples of length ${m} do not fit data of shape [${dshape}] after ${b} batch dimensions`,
      );
    if (ishape.slice(0, b).some((s, i) => s !== dshape[i]))
      ctx.error("bad-shape", `the batch dimensions of indices [${ishape}] and data [${dshape}] differ`);
    const dims = dshape.slice(b, b + m);
    const shape = [...ishape.slice(0, -1), ...dshape.slice(b + m)];
    const st = strides(dshape);
    const slice = numel(dshape.slice(b + m));
    // Per output element: its index tuple, and the data offset of its batch and trailing coordinates.
    const tuple = new Int32Array(numel(shape));
    let o = 0;
    const base = mapIndex(shape, (idx) => {
      let t = 0;
      for (let i = 0; i < q - 1; i++) t = t * (ishape[i] as number) + (idx[i] as number);
      tuple[o++] = t;
      let f = 0;
      for (let i = 0; i < b; i++) f += (idx[i] as number) * (st[i] as number);
      for (let i = q - 1; i < shape.length; i++) f += (idx[i] as number) * (st[i - q + 1 + b + m] as number);
      return f;
    });
    if (!ind) {
      const ch = chooseTuples(ctx, indexSignal(ctx, 1), dims);
      return [{ kind: "signal", q: selectData(ctx, ctx.required(0), ch, tuple, base, slice, shape) }];
    }
    const pos = constTuples(ctx, ind, dims);
    const src = Int32Array.from(base, (f, i) => f + (pos[tuple[i] as number] as number) * slice);
    return [{ kind: "signal", q: route(ctx, dataSignal(ctx), src, shape) }];
  },
};

import { numel } from "../../1-decode/graph.js";
import type { LowerCtx, Value } from "../lower.js";
import { reductionAttr, scatterComputed, scatterConst } from "./lib/scatter-core.js";
import { indexSignal } from "./lib/select.js";
import { chooseTuples, constTuples } from "./lib/select-nd.js";
import type { OpSpec } from "./op.js";

/**
 * ScatterND(data, indices, updates; reduction = none): indices of shape [..., m] hold tuples of m indices
 * into the data's first m dimensions (negative ones count from the end); update slice t (shape
 * data.shape[m:]) is written at tuple t. updates.shape = indices.shape[:-1] + data.shape[m:]. Output shape
 * and scale: the data's (the finest signal scale when data and updates differ). Computed tuples select
 * through select-nd.ts's indicators; reductions and costs: scatter-core.ts. Duplicate tuples under none:
 * the last update wins, as onnxruntime writes them single-threaded.
 */
export const scatterND: OpSpec = {
  opType: "ScatterND",
  summary:
    "reductions as ScatterElements; constant indices free; computed: N candidate tuples as GatherND, ≤ N products or Max2 per update",
  lower(ctx: LowerCtx): Value[] {
    const red = reductionAttr(ctx);
    const computed = ctx.required(1).kind === "signal";
    const ind = computed ? undefined : ctx.constant(1, "the ScatterND indices");
    const dshape = ctx.shapeOf(0);
    const ishape = ind?.shape ?? ctx.shapeOf(1);
    const ushape = ctx.shapeOf(2);
    const m = ishape.at(-1) ?? 0;
    if (m < 1 || m > dshape.length)
      ctx.error("bad-shape", `index tuples of length ${m} do not fit data of shape [${dshape}]`);
    const want = [...ishape.slice(0, -1), ...dshape.slice(m)];
    if (ushape.join() !== want.join())
      ctx.error(
        "bad-shape",
        `updates of shape [${ushape}] do not match indices [${ishape}] and data [${dshape}]: expected [${want}]`,
      );
    const dims = dshape.slice(0, m);
    const slice = numel(dshape.slice(m));
    const n = numel(ushape);
    const data = ctx.required(0);
    const upd = ctx.required(2);
    if (n === 0) return [data];
    // Update element u: slice t = u / slice (its tuple), offset u mod slice within the slice.
    const tuple = Int32Array.from({ length: n }, (_, u) => Math.floor(u / slice));
    const offset = Int32Array.from({ length: n }, (_, u) => u % slice);
    if (!ind) {
      const ch = chooseTuples(ctx, indexSignal(ctx, 1), dims);
      return [scatterComputed(ctx, data, upd, ch, tuple, offset, slice, red, dshape)];
    }
    const pos = constTuples(ctx, ind, dims);
    const dst = Int32Array.from(offset, (r, u) => (pos[tuple[u] as number] as number) * slice + r);
    return [scatterConst(ctx, data, upd, dst, red, dshape)];
  },
};

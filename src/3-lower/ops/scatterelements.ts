import { numel } from "../../1-decode/graph.js";
import type { LowerCtx, Value } from "../lower.js";
import { elementsLayout } from "./lib/indexing.js";
import { reductionAttr, scatterComputed, scatterConst } from "./lib/scatter-core.js";
import { chooseStrict, indexSignal } from "./lib/select.js";
import type { OpSpec } from "./op.js";

/**
 * ScatterElements(data, indices, updates; axis = 0, reduction = none): a copy of the data with updates[i]
 * written at i with its axis coordinate replaced by indices[i] (negative ones count from the end); indices
 * and updates share a shape of the data's rank. Output shape and scale: the data's (the finest signal
 * scale when data and updates differ). Reductions and costs: scatter-core.ts. Duplicate targets under
 * none: the last update wins, as onnxruntime writes them.
 */
export const scatterElements: OpSpec = {
  opType: "ScatterElements",
  summary:
    "none (last wins)/add/max/min, mul (constant indices); constant indices free (max/min: Max2); computed: ≤ K products or Max2 each",
  lower: (ctx) => [lowerScatterElements(ctx)],
};

/** ScatterElements, and the deprecated Scatter (its opset 9-10 form, no reduction). */
export function lowerScatterElements(ctx: LowerCtx): Value {
  const red = reductionAttr(ctx);
  const computed = ctx.required(1).kind === "signal";
  const ind = computed ? undefined : ctx.constant(1, `the ${ctx.node.opType} indices`);
  const dshape = ctx.shapeOf(0);
  const ishape = ind?.shape ?? ctx.shapeOf(1);
  const ushape = ctx.shapeOf(2);
  if (ushape.join() !== ishape.join())
    ctx.error("bad-shape", `updates of shape [${ushape}] do not match indices of shape [${ishape}]`);
  const { d, stride, base, target } = elementsLayout(ctx, dshape, ishape);
  const data = ctx.required(0);
  const upd = ctx.required(2);
  if (numel(ishape) === 0) return data;
  if (!ind) {
    const ch = chooseStrict(ctx, indexSignal(ctx, 1), d);
    const at = Int32Array.from(base, (_, i) => i);
    return scatterComputed(ctx, data, upd, ch, at, base, stride, red, dshape);
  }
  const dst = Int32Array.from(ind.data, target);
  return scatterConst(ctx, data, upd, dst, red, dshape);
}

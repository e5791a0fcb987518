import type { LowerCtx, Value } from "../lower.js";
import { dataSignal, intsInputOrAttr, mapIndex, normAxis, route, strides } from "./lib/indexing.js";
import type { OpSpec } from "./op.js";

/**
 * Split along `axis` (default 0) into the node's outputs: by `split` (input 1 from opset 13, the
 * attribute before), else by num_outputs (opset 18: chunks of ceil(d/n), the last one smaller), else
 * into equal parts. Free (wiring); every output keeps the input's scale.
 */
export const split: OpSpec = {
  opType: "Split",
  summary: "split input/attribute, num_outputs, equal parts; free",
  lower(ctx: LowerCtx): Value[] {
    const x = dataSignal(ctx);
    const axis = normAxis(ctx, ctx.int("axis", 0), x.shape.length);
    const d = x.shape[axis] as number;
    const n = ctx.node.outputs.length;
    const numOutputs = ctx.int("num_outputs", 0);
    let sizes = intsInputOrAttr(ctx, 1, "split", "the split sizes");
    if (sizes) {
      if (numOutputs !== 0) ctx.error("bad-attribute", "give either split or num_outputs, not both");
      if (sizes.length !== n || sizes.some((s) => s < 0) || sizes.reduce((a, b) => a + b, 0) !== d)
        ctx.error("bad-attribute", `split [${sizes}] does not divide dimension ${d} into ${n} outputs`);
    } else if (numOutputs !== 0) {
      if (numOutputs !== n || n > d)
        ctx.error("bad-attribute", `num_outputs ${numOutputs} does not fit ${n} outputs of dimension ${d}`);
      const chunk = Math.ceil(d / n);
      sizes = Array.from({ length: n }, (_, i) => Math.max(0, Math.min(chunk, d - i * chunk)));
    } else {
      if (d % n !== 0)
        ctx.error(
          "bad-shape",
          `dimension ${d} cannot be split into ${n} equal parts`,
          "give the split sizes",
        );
      sizes = new Array<number>(n).fill(d / n);
    }
    const st = strides(x.shape);
    let start = 0;
    return sizes.map((len, k) => {
      const shape = x.shape.map((s, i) => (i === axis ? len : s));
      const off = start;
      const src = mapIndex(shape, (idx) => {
        let f = off * (st[axis] as number);
        for (let i = 0; i < idx.length; i++) f += (idx[i] as number) * (st[i] as number);
        return f;
      });
      start += len;
      return { kind: "signal", q: route(ctx, x, src, shape, ctx.node.outputs[k]) };
    });
  },
};

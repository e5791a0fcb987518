import type { LowerCtx, Value } from "../3-quantize/lower.js";
import { dataSignal, mapIndex, normAxis, route, strides } from "./indexing.js";
import type { OpSpec } from "./op.js";

/**
 * Gather(axis = 0) with constant indices of any shape (negative ones count from the end): output
 * shape data[:axis] + indices + data[axis+1:]. Free (wiring); scale unchanged. Indices computed from
 * the input are not supported.
 */
export const gather: OpSpec = {
  opType: "Gather",
  summary: "constant indices (negative allowed), any axis; free",
  lower(ctx: LowerCtx): Value[] {
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

import type { LowerCtx, Value } from "../3-quantize/lower.js";
import { dataSignal, mapIndex, normAxis, route, strides } from "./indexing.js";
import type { OpSpec } from "./op.js";

/**
 * GatherElements(axis = 0) with constant indices of the data's rank: out[i] = data[i with axis
 * coordinate replaced by indices[i]] (negative indices count from the end); output shape = indices
 * shape. Free (wiring); scale unchanged.
 */
export const gatherElements: OpSpec = {
  opType: "GatherElements",
  summary: "constant indices (negative allowed), any axis; free",
  lower(ctx: LowerCtx): Value[] {
    const ind = ctx.constant(1, "the GatherElements indices");
    const x = dataSignal(ctx);
    const rank = x.shape.length;
    const axis = normAxis(ctx, ctx.int("axis", 0), rank);
    if (ind.shape.length !== rank || ind.shape.some((s, i) => i !== axis && s > (x.shape[i] as number)))
      ctx.error(
        "bad-shape",
        `indices of shape [${ind.shape}] do not fit data of shape [${x.shape}] on axis ${axis}`,
      );
    const d = x.shape[axis] as number;
    const st = strides(x.shape);
    let k = 0;
    const src = mapIndex(ind.shape, (idx) => {
      const v = ind.data[k++] as number;
      if (!Number.isInteger(v) || v < -d || v >= d)
        ctx.error("bad-onnx", `index ${v} (flat position ${k - 1}) is out of range for dimension ${d}`);
      let f = (v < 0 ? v + d : v) * (st[axis] as number);
      for (let i = 0; i < rank; i++) if (i !== axis) f += (idx[i] as number) * (st[i] as number);
      return f;
    });
    return [{ kind: "signal", q: route(ctx, x, src, [...ind.shape]) }];
  },
};

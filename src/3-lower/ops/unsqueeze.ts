import type { LowerCtx, Value } from "../lower.js";
import { dataSignal, intsInputOrAttr, normAxes } from "./lib/indexing.js";
import type { OpSpec } from "./op.js";

/**
 * Unsqueeze: insert size-1 axes at `axes` of the output (input 1 from opset 13, the attribute before;
 * negative counts from the end of the output; any order). Free (an alias).
 */
export const unsqueeze: OpSpec = {
  opType: "Unsqueeze",
  summary: "axes (input or attribute, negative, unsorted); free",
  lower(ctx: LowerCtx): Value[] {
    const axesIn = intsInputOrAttr(ctx, 1, "axes", "the inserted axes");
    if (!axesIn) ctx.error("bad-onnx", "Unsqueeze needs axes (an input from opset 13, an attribute before)");
    const x = dataSignal(ctx);
    const rank = x.shape.length + axesIn.length;
    const axes = normAxes(ctx, axesIn, rank);
    const shape: number[] = [];
    let j = 0;
    for (let i = 0; i < rank; i++) shape.push(axes.includes(i) ? 1 : (x.shape[j++] as number));
    return [{ kind: "signal", q: ctx.alias(x, shape) }];
  },
};

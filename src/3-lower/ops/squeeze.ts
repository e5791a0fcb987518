import type { LowerCtx, Value } from "../lower.js";
import { dataSignal, intsInputOrAttr, normAxes } from "./lib/indexing.js";
import type { OpSpec } from "./op.js";

/**
 * Squeeze: remove the size-1 axes listed in `axes` (input 1 from opset 13, the attribute before;
 * negative counts from the end), or every size-1 axis when none is given. Free (an alias).
 */
export const squeeze: OpSpec = {
  opType: "Squeeze",
  summary: "axes (input or attribute, negative allowed) or all unit axes; free",
  lower(ctx: LowerCtx): Value[] {
    const axesIn = intsInputOrAttr(ctx, 1, "axes", "the squeezed axes");
    const x = dataSignal(ctx);
    const axes = axesIn
      ? normAxes(ctx, axesIn, x.shape.length)
      : x.shape.flatMap((d, i) => (d === 1 ? [i] : []));
    for (const a of axes) {
      if (x.shape[a] !== 1) ctx.error("bad-shape", `axis ${a} of [${x.shape}] has size ${x.shape[a]}, not 1`);
    }
    const shape = x.shape.filter((_, i) => !axes.includes(i));
    return [{ kind: "signal", q: ctx.alias(x, shape) }];
  },
};

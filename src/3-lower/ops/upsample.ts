import type { LowerCtx, Value } from "../lower.js";
import { dataSignal, stringAttr } from "./lib/indexing.js";
import { resizeNearest, scaledShape } from "./lib/resize-nearest.js";
import type { OpSpec } from "./op.js";

/**
 * Upsample (opsets 7-9, deprecated in 10), nearest mode only: scales >= 1 per axis from the attribute
 * (opset 7) or the constant input 1 (opset 9); out = floor(scale · d), out[i] = x[floor(i / scale)].
 * Free (wiring); scale unchanged.
 */
export const upsample: OpSpec = {
  opType: "Upsample",
  summary: "nearest mode, scales attribute or input; free",
  lower(ctx: LowerCtx): Value[] {
    const mode = stringAttr(ctx, "mode", "nearest");
    if (mode !== "nearest")
      ctx.error("bad-attribute", `mode "${mode}" is not supported: only nearest upsampling is wiring`);
    const given = ctx.input(1)
      ? Array.from(ctx.constant(1, "the scales").data)
      : ctx.node.attrs.get("scales")?.value;
    const x = dataSignal(ctx);
    if (!Array.isArray(given) || given.length !== x.shape.length)
      ctx.error("bad-attribute", `Upsample needs ${x.shape.length} scales (an input, or a floats attribute)`);
    const scales = given.map((s) => Math.fround(Number(s)));
    if (scales.some((s) => !(s >= 1))) ctx.error("bad-attribute", `scales [${given}] must be >= 1`);
    const outShape = scaledShape(x.shape, scales);
    const roi = [...x.shape.map(() => 0), ...x.shape.map(() => 1)];
    const spec = { scales, outShape, coord: "asymmetric", nearest: "simple", roi, extrapolation: 0 };
    return [{ kind: "signal", q: resizeNearest(ctx, x, spec) }];
  },
};

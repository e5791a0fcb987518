import type { LowerCtx, Value } from "../lower.js";
import { dataSignal, normAxes, stringAttr } from "./lib/indexing.js";
import { COORDINATE_MODES, NEAREST_MODES, resizeNearest, scaledShape } from "./lib/resize-nearest.js";
import type { OpSpec } from "./op.js";

const POLICIES = ["stretch", "not_larger", "not_smaller"];

/**
 * Resize, nearest mode only (linear and cubic are rejected): opset 10 takes (X, scales) with
 * asymmetric coordinates; opset 11+ takes (X, roi, scales, sizes) with exactly one of scales and sizes,
 * and honors coordinate_transformation_mode (all seven), nearest_mode, extrapolation_value
 * (tf_crop_and_resize), and from opset 18 axes and keep_aspect_ratio_policy. antialias and
 * cubic_coeff_a do not affect nearest mode; exclude_outside = 1 is rejected. Free (wiring, plus a bias
 * for extrapolated pixels); scale unchanged.
 */
export const resize: OpSpec = {
  opType: "Resize",
  summary: "nearest mode: all coordinate and nearest modes, scales or sizes, axes, aspect policy; free",
  lower(ctx: LowerCtx): Value[] {
    const mode = stringAttr(ctx, "mode", "nearest");
    if (mode !== "nearest")
      ctx.error("bad-attribute", `mode "${mode}" is not supported: only nearest resizing is wiring`);
    ctx.rejectAttr("exclude_outside", (a) => a.value === 0, "it applies to cubic mode only");
    const opset10 = ctx.inputCount <= 2;
    const coord = opset10 ? "asymmetric" : stringAttr(ctx, "coordinate_transformation_mode", "half_pixel");
    const nearest = opset10 ? "simple" : stringAttr(ctx, "nearest_mode", "round_prefer_floor");
    if (!COORDINATE_MODES.includes(coord))
      ctx.error("bad-attribute", `coordinate_transformation_mode "${coord}" is not supported`);
    if (!NEAREST_MODES.includes(nearest) || (nearest === "simple" && !opset10))
      ctx.error("bad-attribute", `nearest_mode "${nearest}" is not supported`);
    const policy = stringAttr(ctx, "keep_aspect_ratio_policy", "stretch");
    if (!POLICIES.includes(policy))
      ctx.error("bad-attribute", `keep_aspect_ratio_policy "${policy}" is not supported`);

    const given = (i: number, what: string) => {
      const t = ctx.input(i) ? ctx.constant(i, what) : undefined;
      return t && t.data.length > 0 ? Array.from(t.data) : undefined;
    };
    const roiIn = opset10 ? undefined : given(1, "the roi");
    const scalesIn = given(opset10 ? 1 : 2, "the scales");
    const sizesIn = opset10 ? undefined : given(3, "the sizes");
    const x = dataSignal(ctx);
    const rank = x.shape.length;
    const axes = normAxes(ctx, ctx.ints("axes", undefined) ?? x.shape.map((_, i) => i), rank);
    if ((scalesIn === undefined) === (sizesIn === undefined))
      ctx.error("bad-onnx", "Resize needs exactly one of scales and sizes");
    const given1 = (scalesIn ?? sizesIn) as number[];
    if (given1.length !== axes.length)
      ctx.error(
        "bad-shape",
        `${scalesIn ? "scales" : "sizes"} [${given1}] should have ${axes.length} values`,
      );

    const scales = x.shape.map(() => 1);
    let outShape = [...x.shape];
    if (scalesIn) {
      axes.forEach((a, k) => {
        scales[a] = Math.fround(scalesIn[k] as number);
      });
      if (scales.some((s) => !(s > 0))) ctx.error("bad-attribute", `scales [${scalesIn}] must be positive`);
      outShape = scaledShape(x.shape, scales);
    } else {
      const sizes = sizesIn as number[];
      axes.forEach((a, k) => {
        const d = x.shape[a] as number;
        outShape[a] = sizes[k] as number;
        scales[a] = d === 0 ? 1 : Math.fround((sizes[k] as number) / d);
      });
      if (policy !== "stretch") {
        const pick = axes.map((a) => scales[a] as number);
        const s = policy === "not_larger" ? Math.min(...pick) : Math.max(...pick);
        for (const a of axes) {
          scales[a] = s;
          const v = Math.fround(s * (x.shape[a] as number));
          outShape[a] = Math.sign(v) * Math.round(Math.abs(v));
        }
      }
    }
    const roi = [...x.shape.map(() => 0), ...x.shape.map(() => 1)];
    if (coord === "tf_crop_and_resize") {
      if (!roiIn || roiIn.length !== 2 * axes.length)
        ctx.error("bad-shape", `tf_crop_and_resize needs an roi of ${2 * axes.length} values`);
      axes.forEach((a, k) => {
        roi[a] = roiIn[k] as number;
        roi[rank + a] = roiIn[axes.length + k] as number;
      });
    }
    const extrapolation = ctx.float("extrapolation_value", 0);
    const q = resizeNearest(ctx, x, { scales, outShape, coord, nearest, roi, extrapolation });
    return [{ kind: "signal", q }];
  },
};

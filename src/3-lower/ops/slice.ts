import type { LowerCtx, Value } from "../lower.js";
import { dataSignal, intsInputOrAttr, mapIndex, normAxes, route, strides } from "./lib/indexing.js";
import type { OpSpec } from "./op.js";

/**
 * Slice: starts, ends, axes, steps as constant inputs 1-4 (opset >= 10) or the starts/ends/axes
 * attributes (before). Negative starts/ends count from the end; they are clamped to [0, d] (to
 * [0, d−1] and [−1, d−1] for a negative step); axes default to all, steps to 1 (negative reverses,
 * 0 is an error). Free (wiring); scale unchanged.
 */
export const slice: OpSpec = {
  opType: "Slice",
  summary: "starts/ends/axes/steps (inputs or attributes), negative steps, clamping; free",
  lower(ctx: LowerCtx): Value[] {
    const starts = intsInputOrAttr(ctx, 1, "starts", "the slice starts");
    const ends = intsInputOrAttr(ctx, 2, "ends", "the slice ends");
    const axesIn = intsInputOrAttr(ctx, 3, "axes", "the slice axes");
    const stepsIn = ctx.input(4) ? Array.from(ctx.constant(4, "the slice steps").data) : undefined;
    const x = dataSignal(ctx);
    const rank = x.shape.length;
    if (!starts || !ends) ctx.error("bad-onnx", "Slice needs starts and ends");
    if (ends.length !== starts.length)
      ctx.error("bad-attribute", `starts [${starts}] and ends [${ends}] differ in length`);
    const axes = normAxes(ctx, axesIn ?? starts.map((_, i) => i), rank);
    const steps = stepsIn ?? starts.map(() => 1);
    if (axes.length !== starts.length || steps.length !== starts.length)
      ctx.error("bad-attribute", "starts, ends, axes and steps must have the same length");

    const first = x.shape.map(() => 0);
    const step = x.shape.map(() => 1);
    const shape = [...x.shape];
    axes.forEach((a, k) => {
      const d = x.shape[a] as number;
      const s = steps[k] as number;
      if (s === 0) ctx.error("bad-attribute", `steps[${k}] is 0`);
      const norm = (v: number) => (v < 0 ? v + d : v);
      const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
      const b = s > 0 ? clamp(norm(starts[k] as number), 0, d) : clamp(norm(starts[k] as number), 0, d - 1);
      const e = s > 0 ? clamp(norm(ends[k] as number), 0, d) : clamp(norm(ends[k] as number), -1, d - 1);
      first[a] = b;
      step[a] = s;
      shape[a] = Math.max(0, Math.ceil((e - b) / s));
    });
    const st = strides(x.shape);
    const src = mapIndex(shape, (idx) => {
      let f = 0;
      for (let i = 0; i < rank; i++)
        f += ((first[i] as number) + (idx[i] as number) * (step[i] as number)) * (st[i] as number);
      return f;
    });
    return [{ kind: "signal", q: route(ctx, x, src, shape) }];
  },
};

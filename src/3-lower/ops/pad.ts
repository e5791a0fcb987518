import type { LowerCtx, Value } from "../lower.js";
import {
  dataSignal,
  intsInputOrAttr,
  mapIndex,
  normAxes,
  routeWithFill,
  strides,
  stringAttr,
} from "./lib/indexing.js";
import type { OpSpec } from "./op.js";

const MODES = ["constant", "reflect", "edge", "wrap"];

/**
 * Pad: pads [b_1..b_n, e_1..e_n] (input 1 from opset 11, the attribute before), for all axes or the
 * `axes` input (opset 18, negative allowed); negative pads crop. mode: constant (the constant_value
 * input, or the `value` attribute before opset 11, default 0: a bias quantized at the input's scale),
 * reflect (mirror without repeating the edge), edge (repeat the edge), wrap (opset 19: cyclic).
 * Free (wiring plus bias); scale unchanged.
 */
export const pad: OpSpec = {
  opType: "Pad",
  summary: "constant/reflect/edge/wrap, pads and axes inputs or attributes, negative pads; free",
  lower(ctx: LowerCtx): Value[] {
    const mode = stringAttr(ctx, "mode", "constant");
    if (!MODES.includes(mode)) ctx.error("bad-attribute", `mode "${mode}" is not one of ${MODES.join(", ")}`);
    const pads = intsInputOrAttr(ctx, 1, "pads", "the pads");
    if (!pads) ctx.error("bad-onnx", "Pad needs pads (an input from opset 11, an attribute before)");
    const value = ctx.input(2) ? ctx.constant(2, "the constant value").data : undefined;
    if (value && value.length > 1) ctx.error("bad-shape", "constant_value must be a single value");
    const fill = value?.[0] ?? ctx.float("value", 0);
    const axesIn = ctx.input(3) ? Array.from(ctx.constant(3, "the padded axes").data) : undefined;
    const x = dataSignal(ctx);
    const rank = x.shape.length;
    const axes = normAxes(ctx, axesIn ?? x.shape.map((_, i) => i), rank);
    if (pads.length !== 2 * axes.length)
      ctx.error(
        "bad-attribute",
        `pads [${pads}] should hold ${2 * axes.length} values (begin and end per axis)`,
      );

    // Per axis: the kept input range [lo, lo + len) after negative pads crop, then positive pads.
    const lo = x.shape.map(() => 0);
    const len = [...x.shape];
    const before = x.shape.map(() => 0);
    const shape = [...x.shape];
    axes.forEach((a, k) => {
      const b = pads[k] as number;
      const e = pads[k + axes.length] as number;
      const d = x.shape[a] as number;
      lo[a] = Math.max(0, -b);
      len[a] = d - Math.max(0, -b) - Math.max(0, -e);
      before[a] = Math.max(0, b);
      shape[a] = d + b + e;
      if ((len[a] as number) < 0 || (shape[a] as number) < 0)
        ctx.error("bad-attribute", `pads ${b}, ${e} crop more than dimension ${d} of axis ${a}`);
      if (mode !== "constant" && len[a] === 0 && (shape[a] as number) > 0)
        ctx.error("bad-attribute", `mode ${mode} cannot pad axis ${a}: no input elements are left`);
    });
    const st = strides(x.shape);
    const src = mapIndex(shape, (idx) => {
      let f = 0;
      for (let i = 0; i < rank; i++) {
        const j = source((idx[i] as number) - (before[i] as number), len[i] as number, mode);
        if (j < 0) return -1;
        f += ((lo[i] as number) + j) * (st[i] as number);
      }
      return f;
    });
    return [{ kind: "signal", q: routeWithFill(ctx, x, src, shape, fill) }];
  },
};

/** The kept-range coordinate that position j (possibly outside [0, n)) copies, or -1 for the fill value. */
function source(j: number, n: number, mode: string): number {
  if (j >= 0 && j < n) return j;
  switch (mode) {
    case "edge":
      return j < 0 ? 0 : n - 1;
    case "wrap":
      return ((j % n) + n) % n;
    case "reflect": {
      if (n === 1) return 0;
      const period = 2 * (n - 1);
      const m = ((j % period) + period) % period;
      return m < n ? m : period - m;
    }
    default:
      return -1;
  }
}

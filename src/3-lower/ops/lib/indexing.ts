import type { ConstTensor } from "../../../1-decode/graph.js";
import { checkElements, numel } from "../../../1-decode/graph.js";
import type { QTensor } from "../../ir.js";
import type { LowerCtx } from "../../lower.js";

/**
 * Index helpers shared by the data-movement ops (Transpose, Slice, Gather, Pad, Resize, ...). Each of
 * those ops computes, for every output element, the flat index of the input element it copies; the
 * circuit is then pure wiring: an alias when the order is unchanged, else one affine map with a single
 * coefficient-1 term per row (free under --O2).
 */

/** Row-major strides of a shape. */
export function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i] as number;
  }
  return s;
}

/** The multi-index of flat index `flat` in `shape`. */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i] as number;
    idx[i] = flat % d;
    flat = Math.floor(flat / d);
  }
  return idx;
}

/** The flat index of a multi-index, given the strides. */
export function ravel(idx: readonly number[], st: readonly number[]): number {
  let f = 0;
  for (let i = 0; i < idx.length; i++) f += (idx[i] as number) * (st[i] as number);
  return f;
}

/**
 * For every flat index of `outShape` (row-major), `f(multiIndex)`: the source flat index, or -1 for an
 * element that takes a fill value. The multi-index array is reused between calls.
 */
export function mapIndex(outShape: readonly number[], f: (idx: readonly number[]) => number): Int32Array {
  checkElements(outShape, "the output");
  const n = numel(outShape);
  const out = new Int32Array(n);
  const idx = new Array<number>(outShape.length).fill(0);
  for (let k = 0; k < n; k++) {
    out[k] = f(idx);
    for (let r = outShape.length - 1; r >= 0; r--) {
      idx[r] = (idx[r] as number) + 1;
      if ((idx[r] as number) < (outShape[r] as number)) break;
      idx[r] = 0;
    }
  }
  return out;
}

/** An axis in [-rank, rank) made non-negative, or a bad-attribute error naming it. */
export function normAxis(ctx: LowerCtx, axis: number, rank: number, what = "axis"): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank)
    ctx.error("bad-attribute", `${what} ${axis} is out of range for rank ${rank}`);
  return axis < 0 ? axis + rank : axis;
}

/** Normalized axes, rejecting duplicates. */
export function normAxes(ctx: LowerCtx, axes: readonly number[], rank: number, what = "axes"): number[] {
  const out = axes.map((a) => normAxis(ctx, a, rank, what));
  if (new Set(out).size !== out.length) ctx.error("bad-attribute", `${what} [${axes}] repeats an axis`);
  return out;
}

/** A string attribute, or its default. */
export function stringAttr(ctx: LowerCtx, name: string, def: string): string {
  const a = ctx.node.attrs.get(name);
  if (a === undefined) return def;
  if (a.type !== "string") ctx.error("bad-attribute", `attribute ${name} should be a string, got ${a.type}`);
  return a.value;
}

/**
 * A list of integers given as a constant input (newer opsets) or as an attribute (older opsets):
 * the input wins when present; undefined when neither is given.
 */
export function intsInputOrAttr(
  ctx: LowerCtx,
  input: number,
  attr: string,
  what: string,
): number[] | undefined {
  if (ctx.input(input)) return Array.from(ctx.constant(input, what).data);
  return ctx.ints(attr, undefined);
}

/**
 * The data input as signals, taken as is (no rescale: moving data costs nothing at any width). A
 * constant here means another input (indices, shape, pads) is a signal, which zkmlc cannot wire.
 */
export function dataSignal(ctx: LowerCtx, i = 0): QTensor {
  const v = ctx.required(i);
  if (v.kind === "const") {
    ctx.error(
      "unsupported-op",
      `input ${i} is a constant but another input is computed from the model input`,
      "data-dependent indices, shapes or pads cannot be wired at compile time",
    );
  }
  return v.q;
}

/**
 * The output that copies x[src[i]] into element i: an alias when every element stays in place,
 * otherwise one wiring affine map (free).
 */
/**
 * The layout GatherElements and ScatterElements share: indices of the data's rank that fit it off the
 * axis (`axis` attribute, default 0). base[k]: the data offset of index element k's coordinates other
 * than the axis; target(v, k): that element's constant index v (negative counts from the end) as a data
 * offset, out of range a compile error.
 */
export function elementsLayout(
  ctx: LowerCtx,
  dshape: readonly number[],
  ishape: readonly number[],
): { d: number; stride: number; base: Int32Array; target: (v: number, k: number) => number } {
  const rank = dshape.length;
  const axis = normAxis(ctx, ctx.int("axis", 0), rank);
  if (ishape.length !== rank || ishape.some((s, i) => i !== axis && s > (dshape[i] as number)))
    ctx.error(
      "bad-shape",
      `indices of shape [${ishape}] do not fit data of shape [${dshape}] on axis ${axis}`,
    );
  const d = dshape[axis] as number;
  const st = strides(dshape);
  const stride = st[axis] as number;
  const base = mapIndex(ishape, (idx) => {
    let f = 0;
    for (let i = 0; i < rank; i++) if (i !== axis) f += (idx[i] as number) * (st[i] as number);
    return f;
  });
  const target = (v: number, k: number) => {
    if (!Number.isInteger(v) || v < -d || v >= d)
      ctx.error("bad-onnx", `index ${v} (flat position ${k}) is out of range for dimension ${d}`);
    return (base[k] as number) + (v < 0 ? v + d : v) * stride;
  };
  return { d, stride, base, target };
}

export function route(ctx: LowerCtx, x: QTensor, src: Int32Array, shape: number[], name?: string): QTensor {
  if (src.length === x.lo.length && src.every((s, i) => s === i)) return ctx.alias(x, shape);
  return ctx.gather([x], src, shape, name);
}

/**
 * Like route, but src[i] = -1 takes the constant `fill` (a bias quantized at x's scale, its rounding
 * in the error bound): constant Pad and tf_crop_and_resize extrapolation. Free.
 */
export function routeWithFill(
  ctx: LowerCtx,
  x: QTensor,
  src: Int32Array,
  shape: number[],
  fill: number,
): QTensor {
  if (!src.includes(-1)) return route(ctx, x, src, shape);
  const f: ConstTensor = { dtype: "float64", shape: [], data: Float64Array.of(fill) };
  const { q, err } = ctx.quantize(f, x.scale, "the fill value");
  const fq = q[0] as bigint;
  const rows = Array.from(src, (j) =>
    j < 0 ? { idx: new Int32Array(0), coef: [] as bigint[] } : { idx: Int32Array.of(j), coef: [1n] },
  );
  const bias = Array.from(src, (j) => (j < 0 ? fq : 0n));
  const extra = Float64Array.from(src, (j) => (j < 0 ? (err[0] as number) : 0));
  return ctx.affine(ctx.node.outputs[0] ?? "", shape, [x], rows, bias, x.scale, extra);
}

/** A constant int64 tensor (Shape, Size). */
export function int64Tensor(values: number[], shape: number[]): ConstTensor {
  return { dtype: "int64", shape, data: Float64Array.from(values) };
}

import { numel } from "../../../1-decode/graph.js";
import type { QTensor } from "../../ir.js";
import type { LowerCtx } from "../../lower.js";

/** Which input elements each output element of a Reduce* op combines. */
export interface Reduction {
  /** The output shape (reduced axes kept as 1 with keepdims, else dropped). */
  shape: number[];
  /** Per output element (row-major), the flat input indices it reduces, in row-major order. */
  groups: Int32Array[];
  /** Elements per group (the same for every group). */
  count: number;
}

/**
 * The reduction of a Reduce* op over its input shape. Axes come from the `axes` attribute (ReduceSum
 * before opset 13, the others before 18) or the constant second input (later opsets), whichever the
 * node has; none (or an empty list) means every axis, unless noop_with_empty_axes = 1: then nothing is
 * reduced (groups of one element; onnxruntime still applies the op's elementwise part: ReduceL1 gives
 * |x|, ReduceSumSquare x²). keepdims defaults to 1. count = 1 means the output is the input, reshaped.
 */
export function reduction(ctx: LowerCtx, inShape: number[]): Reduction {
  const rank = inShape.length;
  const keepdims = ctx.int("keepdims", 1);
  if (keepdims !== 0 && keepdims !== 1)
    ctx.error("bad-attribute", `attribute keepdims=${keepdims} must be 0 or 1`);
  const noop = ctx.int("noop_with_empty_axes", 0);
  if (noop !== 0 && noop !== 1)
    ctx.error("bad-attribute", `attribute noop_with_empty_axes=${noop} must be 0 or 1`);
  const attr = ctx.ints("axes", undefined);
  const input = ctx.input(1) ? Array.from(ctx.constant(1, "axes").data) : undefined;
  if (attr && input) ctx.error("bad-onnx", "axes is given both as an attribute and as an input");
  const given = attr ?? input ?? [];
  const axes =
    given.length > 0
      ? given.map((a) => normalizeAxis(ctx, a, rank))
      : noop === 1
        ? []
        : inShape.map((_, i) => i);
  if (new Set(axes).size !== axes.length) ctx.error("bad-attribute", `axes [${given}] repeats an axis`);
  const reduced = new Set(axes);
  const keptShape = inShape.map((d, i) => (reduced.has(i) ? 1 : d));
  const shape = keepdims === 1 ? keptShape : inShape.filter((_, i) => !reduced.has(i));
  const count = axes.reduce((n, a) => n * (inShape[a] as number), 1);
  if (count === 0) ctx.error("bad-shape", `reduces an empty axis of [${inShape}]`);
  const outSize = numel(keptShape);
  const groups = Array.from({ length: outSize }, () => new Int32Array(count));
  const fill = new Int32Array(outSize);
  // Walk the input in row-major order; its output index zeroes the reduced coordinates.
  const outStride = new Array<number>(rank).fill(0);
  for (let i = rank - 1, s = 1; i >= 0; i--) {
    outStride[i] = reduced.has(i) ? 0 : s;
    s *= keptShape[i] as number;
  }
  const coord = new Array<number>(rank).fill(0);
  const n = numel(inShape);
  for (let j = 0; j < n; j++) {
    let o = 0;
    for (let i = 0; i < rank; i++) o += (coord[i] as number) * (outStride[i] as number);
    (groups[o] as Int32Array)[fill[o] as number] = j;
    fill[o] = (fill[o] as number) + 1;
    for (let i = rank - 1; i >= 0; i--) {
      coord[i] = (coord[i] as number) + 1;
      if ((coord[i] as number) < (inShape[i] as number)) break;
      coord[i] = 0;
    }
  }
  return { shape, groups, count };
}

/** An axis in [-rank, rank) as a non-negative index, else a bad-attribute error. */
export function normalizeAxis(ctx: LowerCtx, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank)
    ctx.error("bad-attribute", `axis ${axis} is out of range for rank ${rank}`);
  return axis < 0 ? axis + rank : axis;
}

/** The rows of a single-axis reduction (ArgMax, ArgMin, TopK): per outer×inner position, the K indices along `axis`. */
export function axisRows(
  shape: number[],
  axis: number,
): { rows: Int32Array[]; outer: number; inner: number; k: number } {
  const k = shape[axis] as number;
  const outer = numel(shape.slice(0, axis));
  const inner = numel(shape.slice(axis + 1));
  const rows: Int32Array[] = [];
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++)
      rows.push(Int32Array.from({ length: k }, (_, t) => (o * k + t) * inner + i));
  return { rows, outer, inner, k };
}

/** Σ over each group (free: one affine map), at x's scale. */
export function sumGroups(
  ctx: LowerCtx,
  x: QTensor,
  groups: Int32Array[],
  shape: number[],
  name?: string,
): QTensor {
  return ctx.affine(
    name ?? ctx.node.outputs[0] ?? "",
    shape,
    [x],
    groups.map((idx) => ({ idx, coef: new Array<bigint>(idx.length).fill(1n) })),
    new Array<bigint>(groups.length).fill(0n),
    x.scale,
  );
}

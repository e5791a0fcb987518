import type { ConstTensor } from "../../../1-decode/graph.js";
import { numel } from "../../../1-decode/graph.js";
import type { AffinePrim, QTensor } from "../../ir.js";
import { LowerCtx, type Value } from "../../lower.js";
import { broadcastIndex, broadcastShapes } from "./broadcast.js";

/** The numpy broadcast of several shapes, or a bad-shape error naming them. */
export function broadcastAll(ctx: LowerCtx, shapes: number[][]): number[] {
  let out: number[] | undefined = [];
  for (const s of shapes) {
    out = broadcastShapes(out, s);
    if (!out) ctx.error("bad-shape", `shapes ${shapes.map((x) => `[${x}]`).join(", ")} do not broadcast`);
  }
  return out;
}

/** Shape of a value. */
export function shapeOfValue(v: Value): number[] {
  return v.kind === "const" ? v.t.shape : v.q.shape;
}

/**
 * The smallest e in [0, max] at which every value is an integer multiple of 2^-e, or max: a constant
 * factor like 2 or 0.25 is then exact at a low scale and does not inflate the product's scale.
 */
export function exactScale(values: ArrayLike<number>, max: number): number {
  for (let e = 0; e < max; e++) {
    let ok = true;
    for (let i = 0; i < values.length && ok; i++) ok = Number.isInteger((values[i] as number) * 2 ** e);
    if (ok) return e;
  }
  return max;
}

export function scalarTensor(v: number): ConstTensor {
  return { dtype: "float64", shape: [], data: Float64Array.of(v) };
}

/** A constant tensor with every value transformed (shape kept). */
export function mapConst(t: ConstTensor, f: (v: number) => number): ConstTensor {
  return { ...t, dtype: "float64", data: t.data.map(f) };
}

/** One signal term of a weighted sum: w ⊙ q with w a constant broadcast to the output (default 1). */
export interface Term {
  q: QTensor;
  w?: ConstTensor | number;
}

/**
 * out = Σ_t w_t ⊙ q_t + Σ_c c (numpy broadcasting of every operand to `outShape`): one free affine map.
 * Scale: each weight is taken at its exact scale (exactScale, at most the param scale); the output takes
 * the finest resulting scale S = max(s_t + e_t, minScale), and each coefficient is w_t quantized at S − s_t, so
 * aligning coarser terms loses nothing. Constants are quantized at S. The error adds each coefficient's
 * and constant's quantization error (times the term's largest magnitude) to the propagated input errors.
 */
export function weightedSum(
  ctx: LowerCtx,
  terms: Term[],
  outShape: number[],
  opts: { consts?: ConstTensor[]; minScale?: number; name?: string } = {},
): QTensor {
  if (terms.length === 0) ctx.error("bug", "a weighted sum needs at least one signal");
  const n = numel(outShape);
  const weights = terms.map((t) =>
    t.w === undefined ? scalarTensor(1) : typeof t.w === "number" ? scalarTensor(t.w) : t.w,
  );
  const exact = weights.map((w) => exactScale(w.data, ctx.scales.paramScale));
  const scale = Math.max(opts.minScale ?? 0, ...terms.map((t, k) => t.q.scale + (exact[k] as number)));

  // Distinct input tensors, each once in the concatenation; coefficients merged per (row, element).
  const ins: QTensor[] = [];
  const offset = new Map<number, number>();
  let total = 0;
  for (const t of terms) {
    if (offset.has(t.q.id)) continue;
    offset.set(t.q.id, total);
    ins.push(t.q);
    total += t.q.lo.length;
  }
  const acc = Array.from({ length: n }, () => new Map<number, bigint>());
  const extraErr = new Float64Array(n);
  terms.forEach((t, k) => {
    const w = weights[k] as ConstTensor;
    const wq = ctx.quantize(w, scale - t.q.scale, "a constant factor");
    const xs = broadcastIndex(outShape, t.q.shape);
    const wi = broadcastIndex(outShape, w.shape);
    const base = offset.get(t.q.id) as number;
    for (let i = 0; i < n; i++) {
      const j = xs[i] as number;
      const c = wq.q[wi[i] as number] as bigint;
      const row = acc[i] as Map<number, bigint>;
      row.set(base + j, (row.get(base + j) ?? 0n) + c);
      extraErr[i] =
        (extraErr[i] as number) + (wq.err[wi[i] as number] as number) * LowerCtx.magnitude(t.q, j);
    }
  });
  const bias = new Array<bigint>(n).fill(0n);
  for (const c of opts.consts ?? []) {
    const cq = ctx.quantize(c, scale, "a constant operand");
    const src = broadcastIndex(outShape, c.shape);
    for (let i = 0; i < n; i++) {
      bias[i] = (bias[i] as bigint) + (cq.q[src[i] as number] as bigint);
      extraErr[i] = (extraErr[i] as number) + (cq.err[src[i] as number] as number);
    }
  }
  const rows: AffinePrim["rows"] = acc.map((m) => {
    const e = [...m].filter(([, c]) => c !== 0n);
    return { idx: Int32Array.from(e, ([j]) => j), coef: e.map(([, c]) => c) };
  });
  return ctx.affine(opts.name ?? ctx.node.outputs[0] ?? "", outShape, ins, rows, bias, scale, extraErr);
}

/**
 * The present inputs of a variadic op (Sum, Mean, Max, Min) split into signals and constants, with the
 * broadcast output shape. At least one is a signal (constant subgraphs are folded before lowering).
 */
export function variadicInputs(ctx: LowerCtx): {
  signals: QTensor[];
  consts: ConstTensor[];
  shape: number[];
} {
  const signals: QTensor[] = [];
  const consts: ConstTensor[] = [];
  const shapes: number[][] = [];
  for (let i = 0; i < ctx.inputCount; i++) {
    const v = ctx.input(i);
    if (!v) continue;
    shapes.push(shapeOfValue(v));
    if (v.kind === "signal") signals.push(ctx.signal(i));
    else consts.push(v.t);
  }
  if (shapes.length === 0) ctx.error("bad-onnx", "needs at least one input");
  if (signals.length === 0) ctx.error("bug", "all inputs are constants (they should have been folded)");
  return { signals, consts, shape: broadcastAll(ctx, shapes) };
}

/** The signal (index 0) and constant (index 1) of a binary op, or both signals; with the output shape. */
export function binaryInputs(ctx: LowerCtx): { a: Value; b: Value; shape: number[] } {
  const a = ctx.required(0);
  const b = ctx.required(1);
  const shape = broadcastAll(ctx, [shapeOfValue(a), shapeOfValue(b)]);
  return {
    a: a.kind === "signal" ? { kind: "signal", q: ctx.signal(0) } : a,
    b: b.kind === "signal" ? { kind: "signal", q: ctx.signal(1) } : b,
    shape,
  };
}

/** Broadcast a signal to `shape` (free wiring; the same tensor when the shape already matches). */
export function broadcastTo(ctx: LowerCtx, q: QTensor, shape: number[], onnxName?: string): QTensor {
  if (q.shape.join() === shape.join()) return q;
  if (numel(q.shape) === numel(shape) && broadcastShapes(q.shape, shape)?.join() === shape.join())
    return ctx.alias(q, shape);
  return ctx.gather([q], broadcastIndex(shape, q.shape), shape, onnxName);
}

/** Signals at one common scale (the finest), coarser ones multiplied by a power of two (free). */
export function alignScales(ctx: LowerCtx, qs: QTensor[]): QTensor[] {
  const scale = Math.max(...qs.map((q) => q.scale));
  return qs.map((q) => toScale(ctx, q, scale));
}

/** q at a scale no coarser than its own: multiplied by 2^(scale − s_q) (free); q itself if already there. */
export function toScale(ctx: LowerCtx, q: QTensor, scale: number): QTensor {
  return q.scale >= scale ? q : weightedSum(ctx, [{ q }], q.shape, { minScale: scale });
}

/** Σ w·v over signals and constants (Add, Sub, Sum, Mean, Neg): one free affine map, see weightedSum. */
export function combine(ctx: LowerCtx, parts: { v: Value; w: number }[], shape: number[]): QTensor {
  const terms: Term[] = [];
  const consts: ConstTensor[] = [];
  for (const { v, w } of parts) {
    if (v.kind === "signal") terms.push({ q: v.q, w });
    else consts.push(w === 1 ? v.t : mapConst(v.t, (x) => x * w));
  }
  return weightedSum(ctx, terms, shape, { consts });
}

/**
 * A constant broadcast to `shape` as signals fixed at `scale` (free: --O2 substitutes them), carrying its
 * quantization error, so a prim (max, div) can take it as an operand.
 */
export function constSignal(
  ctx: LowerCtx,
  t: ConstTensor,
  scale: number,
  shape: number[],
  what: string,
): QTensor {
  const cq = ctx.quantize(t, scale, what);
  const src = broadcastIndex(shape, t.shape);
  const rows = Array.from(src, () => ({ idx: new Int32Array(0), coef: [] as bigint[] }));
  return ctx.affine(
    `${ctx.node.outputs[0] ?? ""}/const`,
    shape,
    [],
    rows,
    Array.from(src, (j) => cq.q[j] as bigint),
    scale,
    Float64Array.from(src, (j) => cq.err[j] as number),
  );
}

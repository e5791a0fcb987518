import { type GraphNode, nodeRef } from "../../1-decode/graph.js";
import { fail } from "../../errors.js";
import type { QTensor } from "../ir.js";
import type { LowerCtx, Value } from "../lower.js";
import { linear } from "../prims/basic.js";
import { div, floorDiv } from "../prims/div.js";
import { max } from "../prims/max.js";
import { approximate, toScale } from "../prims/poly-approx.js";
import { lowerDomain, tighten } from "./lib/activation.js";
import type { OpSpec } from "./op.js";

/**
 * Softmax and LogSoftmax share the normalization over rows: the max prim per row, d = x − max (<= 0), an
 * exponential on [-L, 0] at a scale E fine enough for the row length, and the row sums (free).
 */

/** Where (Log)Softmax normalizes: a flat-index list per row. */
export interface SoftmaxAxis {
  /** Normalized axis (0 <= axis < rank). */
  axis: number;
  /** Opset < 13 semantics: the input is coerced to 2-D at `axis`, rows span every later dimension. */
  coerce2d: boolean;
}

/** The axis attribute with the opset's default and semantics (opset 13 changed both). */
export function softmaxAxis(ctx: LowerCtx, rank: number): SoftmaxAxis {
  return softmaxAxisOf(ctx.node, ctx.opset, rank);
}

/** softmaxAxis for a node outside lowering (the outside-the-circuit postprocess). */
export function softmaxAxisOf(node: GraphNode, opset: number, rank: number): SoftmaxAxis {
  const coerce2d = opset < 13;
  const a = node.attrs.get("axis");
  if (a !== undefined && a.type !== "int")
    fail("bad-attribute", `attribute axis should be an int, got ${a.type}`, { node: nodeRef(node) });
  const raw = a?.value ?? (coerce2d ? 1 : -1);
  const axis = raw < 0 ? raw + rank : raw;
  if (axis < 0 || axis >= Math.max(rank, 1))
    fail("bad-attribute", `attribute axis=${raw} is out of range for a rank-${rank} input`, {
      node: nodeRef(node),
    });
  return { axis, coerce2d };
}

/** The flat indices of each normalized row of a row-major tensor of `shape`. */
export function softmaxRows(shape: readonly number[], a: SoftmaxAxis): Int32Array[] {
  const outer = shape.slice(0, a.axis).reduce((p, d) => p * d, 1);
  if (a.coerce2d) {
    const n = shape.slice(a.axis).reduce((p, d) => p * d, 1);
    return Array.from({ length: outer }, (_, r) => Int32Array.from({ length: n }, (_, j) => r * n + j));
  }
  const n = shape[a.axis] ?? 1;
  const inner = shape.slice(a.axis + 1).reduce((p, d) => p * d, 1);
  const rows: Int32Array[] = [];
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++)
      rows.push(Int32Array.from({ length: n }, (_, j) => (o * n + j) * inner + i));
  return rows;
}

export interface Normalized {
  /** The logits at the working scale, row of each element, row length. */
  x: QTensor;
  rowOf: Int32Array;
  n: number;
  /** d = x − rowmax(x) (exact, <= 0). */
  d: QTensor;
  /** e ≈ exp(d) at scale E, with per-element approximation errors (logits errors excluded). */
  e: QTensor;
  /** Row sums of e at scale E (>= exp(0)'s integer, since one d per row is 0). */
  sum: QTensor;
  /** Largest logit error per row. */
  rowErr: Float64Array;
}

/**
 * The shared part. E = s + 1 + ⌈log2(n + 1)⌉ keeps (n + 1)·2^-E, the worst accumulation of the exponentials'
 * errors in a normalized value, below the output rounding 2^-(s+1).
 */
export function normalize(ctx: LowerCtx, x0: QTensor, rows: Int32Array[], name: string): Normalized {
  const x = toScale(ctx, x0, ctx.workScale, `${name}/logits`);
  const n = rows[0]?.length ?? 1;
  const N = x.lo.length;
  const rowOf = new Int32Array(N);
  rows.forEach((r, k) => {
    for (const i of r) rowOf[i] = k;
  });
  const m = max(ctx, [x], rows, [rows.length], `${name}/max`);
  const d = linear(
    ctx,
    [x, m],
    (i) => [
      [i, 1n],
      [N + (rowOf[i] as number), -1n],
    ],
    0n,
    x.shape,
    `${name}/shifted`,
  );
  // The max prim's constraints make m >= every element of its row: d <= 0.
  for (let i = 0; i < N; i++) tighten(d, i, d.lo[i] as bigint, 0n, d.err[i] as number);
  const s = ctx.workScale;
  const E = s + 1 + Math.ceil(Math.log2(n + 1));
  // d is exact given the quantized logits (their error is accounted separately): the exponential's
  // error bound is then its own approximation error alone.
  const exact = { ...d, err: new Float64Array(N) };
  const exp = approximate(
    ctx,
    exact,
    Math.exp,
    {
      domain: [lowerDomain((L) => Math.exp(-L), E), 0],
      scale: E,
      target: 2 ** -(E + 1),
      key: "Softmax-exp",
    },
    `${name}/exp`,
  );
  const e = exp.y;
  const sum = linear(
    ctx,
    [e],
    (k) => Array.from(rows[k] as Int32Array, (i) => [i, 1n] as [number, bigint]),
    0n,
    [rows.length],
    `${name}/sum`,
  );
  // One element per row has d = 0 exactly (the max is one of the row's elements), so the sum holds exp's
  // value at 0 plus n − 1 values each at least e's lower bound.
  const e0 = exp.at(0n);
  rows.forEach((r, k) => {
    let all = 0n;
    let top: bigint | undefined;
    for (const i of r) {
      const l = e.lo[i] as bigint;
      all += l;
      top = top === undefined || l > top ? l : top;
    }
    tighten(sum, k, all - (top ?? 0n) + e0, sum.hi[k] as bigint, sum.err[k] as number);
  });
  const rowErr = new Float64Array(rows.length);
  rows.forEach((r, k) => {
    for (const i of r) rowErr[k] = Math.max(rowErr[k] as number, x.err[i] as number);
  });
  return { x, rowOf, n, d, e, sum, rowErr };
}

/**
 * Softmax(axis): p_i = round(e_i·2^s / Σ e) by one floor division per element, num = 2^(s+1)·e_i + Σ,
 * den = 2·Σ (Σ proven >= exp(0)'s integer ≈ 2^E). Error: the logits' error / 2 (softmax's
 * sensitivity: |Δp_i| <= 2·p_i·(1 − p_i)·max|Δx|), the exponentials' errors (ε_i + Σ ε_j) / (1 − Σ ε_j),
 * and the rounding 2^-(s+1). Cost per element: the row max's share, the exponential, and the division.
 */
export const softmax: OpSpec = {
  opType: "Softmax",
  summary:
    "max-subtract, exp polynomial on [-L, 0], one range-checked division per element; or outside (--softmax outside)",
  lower(ctx: LowerCtx): Value[] {
    const x0 = ctx.signal(0);
    const rows = softmaxRows(x0.shape, softmaxAxis(ctx, x0.shape.length));
    const name = ctx.node.outputs[0] ?? "";
    const { x, rowOf, e, sum, rowErr } = normalize(ctx, x0, rows, name);
    const s = ctx.workScale;
    const N = x.lo.length;
    const num = linear(
      ctx,
      [e, sum],
      (i) => [
        [i, 1n << BigInt(s + 1)],
        [N + (rowOf[i] as number), 1n],
      ],
      0n,
      x.shape,
      `${name}/num`,
      e.scale,
    );
    const den = linear(ctx, [sum], (i) => [[rowOf[i] as number, 2n]], 0n, x.shape, `${name}/den`, e.scale);
    const unit = 2 ** -e.scale;
    const err = Float64Array.from({ length: N }, (_, i) => {
      const k = rowOf[i] as number;
      let total = 0;
      for (const j of rows[k] as Int32Array) total += e.err[j] as number;
      const approxErr = ((e.err[i] as number) + total) / Math.max(1e-300, 1 - total - unit);
      return (rowErr[k] as number) / 2 + approxErr + 2 ** -(s + 1);
    });
    const p = div(ctx, num, den, s, err);
    // p = floor(1/2 + 2^s·e_i/Σ) where Σ includes e_i: intervals of num and den ignore that correlation.
    // With e_i >= elo and the others >= min(elo, 0): 2^s·e_i/Σ is in [2^s·elo/Σlo, 2^s·(1 + (n−1)·|elo|/Σlo)].
    const one = 1n << BigInt(s);
    const rowMin = rows.map((r) => Array.from(r, (i) => e.lo[i] as bigint).reduce((a, b) => (b < a ? b : a)));
    for (let i = 0; i < N; i++) {
      const k = rowOf[i] as number;
      const elo = e.lo[i] as bigint;
      const slo = sum.lo[k] as bigint;
      const lo = elo >= 0n ? 0n : floorDiv((one << 1n) * elo + slo, 2n * slo);
      const low = rowMin[k] as bigint;
      const neg = low < 0n ? -low : 0n;
      const hi = floorDiv(slo + (one << 1n) * (slo + BigInt(rows[k]?.length ?? 1) * neg), 2n * slo);
      tighten(p, i, lo, hi, p.err[i] as number);
    }
    return [{ kind: "signal", q: p }];
  },
};

import type { AffinePrim, QTensor } from "../ir.js";
import type { LowerCtx, Value } from "../lower.js";
import { negate } from "../prims/basic.js";
import { max } from "../prims/max.js";
import { bitsUnsigned } from "../rounding.js";
import { axisRows, normalizeAxis } from "./lib/reduce-axes.js";
import type { OpSpec } from "./op.js";

/** One element per row: row i's element is q[idx[i]]. */
interface Slot {
  q: QTensor;
  idx: Int32Array;
}

/**
 * TopK along `axis` (largest, sorted; K from the constant input, or the k attribute before opset 10),
 * by k bubble passes of compare-exchanges: pass j carries the running max over the n − j remaining
 * elements (a Max2 each: hi = max(a, b), lo = a + b − hi free), so the values come out sorted. Values
 * only (no Indices output): Σ_{j=1..k} (n − j) Max2 of the input's difference width + 1 per row. With
 * Indices, each element is first keyed as x·2^(B+1) + (2^B − 1 − t) (free; B = ⌈log2 n⌉, t its index),
 * so keys are distinct and ties go to the lower index; the comparisons are B + 1 bits wider and each of
 * the k results is split by a Rescale by 2^(B+1) (key width + 2 constraints): value = the rounded key,
 * index = 2^B − 1 − (key − value·2^(B+1)), proven in [0, n − 1]. largest = 0 works on −x (free).
 */
export const topK: OpSpec = {
  opType: "TopK",
  summary: "k bubble passes of Max2 compare-exchanges (sorted); indices via keyed values + k rescales",
  lower(ctx: LowerCtx): Value[] {
    const x0 = ctx.signal(0);
    const rank = x0.shape.length;
    const axis = normalizeAxis(ctx, ctx.int("axis", -1), rank);
    const largest = flag(ctx, "largest", 1);
    // sorted = 0 leaves the order unspecified: the sorted order is one valid answer.
    flag(ctx, "sorted", 1);
    const { rows, outer, inner, k: n } = axisRows(x0.shape, axis);
    const k = topCount(ctx);
    if (k < 1 || k > n)
      ctx.error("bad-attribute", `K = ${k} must be in [1, ${n}] (the size of axis ${axis} of [${x0.shape}])`);
    const shape = x0.shape.map((d, i) => (i === axis ? k : d));
    const name = ctx.node.outputs[0] || "topk";
    const wantIdx = (ctx.node.outputs[1] ?? "") !== "";
    const m = rows.length;
    if (n === 1) {
      const idx: Value = { kind: "const", t: { dtype: "int64", shape, data: new Float64Array(m) } };
      return [{ kind: "signal", q: ctx.alias(x0, shape) }, idx];
    }
    const x = largest ? x0 : negate(ctx, x0, `${name}/neg`);
    const B = bitsUnsigned(BigInt(n - 1));
    const shift = wantIdx ? B + 1 : 0;
    const keys = wantIdx ? keyed(ctx, x, n, inner, B, `${name}/keys`) : x;
    let remaining: Slot[] = Array.from({ length: n }, (_, t) => ({
      q: keys,
      idx: Int32Array.from(rows, (r) => r[t] as number),
    }));
    const ranked: QTensor[] = [];
    for (let j = 0; j < k; j++) {
      let cur = remaining[0] as Slot;
      const losers: Slot[] = [];
      for (let t = 1; t < remaining.length; t++) {
        const { hi, lo } = compareExchange(ctx, cur, remaining[t] as Slot, `${name}/ce${j}_${t}`);
        losers.push(lo);
        cur = hi;
      }
      ranked.push(materialize(ctx, cur, `${name}/top${j}`));
      remaining = losers;
    }
    // out[(o·k + j)·inner + i] = rank j of row o·inner + i, over the concatenation of `ins`.
    const assemble = (
      outName: string,
      ins: QTensor[],
      term: (j: number, r: number) => { idx: number[]; coef: bigint[]; bias: bigint },
      scale = x.scale,
    ): QTensor => {
      const affRows: AffinePrim["rows"] = [];
      const bias: bigint[] = [];
      for (let p = 0; p < outer * k * inner; p++) {
        const i = p % inner;
        const o = Math.floor(p / (k * inner));
        const t = term(Math.floor(p / inner) % k, o * inner + i);
        affRows.push({ idx: Int32Array.from(t.idx), coef: t.coef });
        bias.push(t.bias);
      }
      return ctx.affine(outName, shape, ins, affRows, bias, scale);
    };
    const sign = largest ? 1n : -1n;
    if (!wantIdx) {
      const values = assemble(name, ranked, (j, r) => ({ idx: [j * m + r], coef: [sign], bias: 0n }));
      return [{ kind: "signal", q: values }];
    }
    const vals = ranked.map((key, j) => {
      const v = ctx.rescale(key, shift, false, `${name}/value${j}`);
      v.err.set(key.err); // the rounded key is exactly the element's value
      return v;
    });
    const values = assemble(name, vals, (j, r) => ({ idx: [j * m + r], coef: [sign], bias: 0n }));
    const top = (1n << BigInt(B)) - 1n;
    const idxName = ctx.node.outputs[1] as string;
    const indices = assemble(
      idxName,
      [...ranked, ...vals],
      (j, r) => ({ idx: [j * m + r, (k + j) * m + r], coef: [-1n, 1n << BigInt(shift)], bias: top }),
      0,
    );
    // Proven: key − value·2^(B+1) is the key's offset 2^B − 1 − t of an input element t (see above).
    for (let p = 0; p < indices.lo.length; p++) {
      indices.lo[p] = 0n;
      indices.hi[p] = BigInt(n - 1);
      indices.err[p] = (values.err[p] as number) > 0 ? n - 1 : 0;
    }
    return [
      { kind: "signal", q: values },
      { kind: "signal", q: indices },
    ];
  },
};

/** K: the constant second input (opset >= 10) or the k attribute (opset 1-9). */
function topCount(ctx: LowerCtx): number {
  if (ctx.input(1)) {
    const t = ctx.constant(1, "K");
    if (t.data.length !== 1) ctx.error("bad-shape", `K must hold one value, got [${t.shape}]`);
    return t.data[0] as number;
  }
  const k = ctx.int("k", -1);
  if (k < 0) ctx.error("bad-onnx", "TopK needs K (an input since opset 10, the k attribute before)");
  return k;
}

/** key = x·2^(B+1) + (2^B − 1 − t) for the element at position t along the axis (free). */
function keyed(ctx: LowerCtx, x: QTensor, n: number, inner: number, B: number, name: string): QTensor {
  const c = 1n << BigInt(B + 1);
  const top = (1n << BigInt(B)) - 1n;
  const rows = Array.from(x.lo, (_, f) => ({ idx: Int32Array.of(f), coef: [c] }));
  const bias = Array.from(x.lo, (_, f) => top - BigInt(Math.floor(f / inner) % n));
  return ctx.affine(name, x.shape, [x], rows, bias, x.scale + B + 1);
}

/** hi = max(a, b) (the max prim: one Max2 per row), lo = a + b − hi = min(a, b) (free). */
function compareExchange(ctx: LowerCtx, a: Slot, b: Slot, name: string): { hi: Slot; lo: Slot } {
  const m = a.idx.length;
  const same = a.q.id === b.q.id;
  const ins = same ? [a.q] : [a.q, b.q];
  const bOff = same ? 0 : a.q.lo.length;
  const rows = Array.from(a.idx, (j, i) => Int32Array.of(j, bOff + (b.idx[i] as number)));
  const hi = max(ctx, ins, rows, [m], `${name}/max`);
  const hOff = bOff + (same ? a.q.lo.length : b.q.lo.length);
  const minRows = Array.from(a.idx, (j, i) => ({
    idx: Int32Array.of(j, bOff + (b.idx[i] as number), hOff + i),
    coef: [1n, 1n, -1n],
  }));
  const lo = ctx.affine(`${name}/min`, [m], [...ins, hi], minRows, new Array<bigint>(m).fill(0n), a.q.scale);
  // Proven: lo = min(a, b), tighter than the interval sum; min is 1-Lipschitz.
  for (let i = 0; i < m; i++) {
    const ja = a.idx[i] as number;
    const jb = b.idx[i] as number;
    const al = a.q.lo[ja] as bigint;
    const bl = b.q.lo[jb] as bigint;
    const ah = a.q.hi[ja] as bigint;
    const bh = b.q.hi[jb] as bigint;
    lo.lo[i] = al < bl ? al : bl;
    lo.hi[i] = ah < bh ? ah : bh;
    lo.err[i] = Math.max(a.q.err[ja] as number, b.q.err[jb] as number);
  }
  const iota = Int32Array.from(a.idx, (_, i) => i);
  return { hi: { q: hi, idx: iota }, lo: { q: lo, idx: iota } };
}

/** A slot as its own tensor of one element per row (free wiring unless it already is one). */
function materialize(ctx: LowerCtx, s: Slot, name: string): QTensor {
  if (s.q.lo.length === s.idx.length && s.idx.every((j, i) => j === i)) return s.q;
  return ctx.gather([s.q], s.idx, [s.idx.length], name);
}

function flag(ctx: LowerCtx, name: string, def: 0 | 1): boolean {
  const v = ctx.int(name, def);
  if (v !== 0 && v !== 1) ctx.error("bad-attribute", `attribute ${name}=${v} must be 0 or 1`);
  return v === 1;
}

import type { DType } from "../../../1-decode/graph.js";
import type { QTensor } from "../../ir.js";
import type { LowerCtx, Value } from "../../lower.js";
import { max as maxPrim } from "../../prims/max.js";
import { mul } from "../../prims/mul.js";
import { exactScale } from "./elementwise.js";
import { stringAttr } from "./indexing.js";
import { scatterMul } from "./scatter-mul.js";
import { affineRefs, type Choices, indicators, type Ref } from "./select.js";

/**
 * The scatter ops (ScatterElements, Scatter, ScatterND): a copy of the data with each update element
 * written at its target, combined per `reduction`. Data and updates meet at the finest signal scale S
 * (constants quantized there, at least at their exact scale up to the working scale); mul changes scales.
 * Duplicate targets under reduction none, which ONNX leaves undefined: the last update wins, the order in
 * which onnxruntime writes them (ScatterElements always; ScatterND when it runs single-threaded). Constant
 * indices (scatterConst) are free for none and add; with indices computed from the input (scatterComputed)
 * each update sees the one-hot of its index over the proven candidates (select.ts), e_p for position p.
 */

export type Reduction = "none" | "add" | "mul" | "max" | "min";
const REDUCTIONS: readonly string[] = ["none", "add", "mul", "max", "min"];

/** The reduction attribute (opset 16: none, add, mul; 18: max, min). */
export function reductionAttr(ctx: LowerCtx): Reduction {
  const r = stringAttr(ctx, "reduction", "none");
  if (!REDUCTIONS.includes(r))
    ctx.error("bad-attribute", `reduction "${r}" is not one of none, add, mul, max, min`);
  return r as Reduction;
}

/** A value at the common scale: Σ c·q[j] + k, with its proven integer bounds and error (real units). */
interface Lin {
  refs: Ref[];
  k: bigint;
  lo: bigint;
  hi: bigint;
  err: number;
}

const constant = (k: bigint, err: number): Lin => ({ refs: [], k, lo: k, hi: k, err });

/** Element j of q times c (a power of two, possibly negated: the real value and its error are kept). */
function element(q: QTensor, j: number, c: bigint): Lin {
  const a = c * (q.lo[j] as bigint);
  const b = c * (q.hi[j] as bigint);
  return { refs: [{ q, j, c }], k: 0n, lo: a < b ? a : b, hi: a < b ? b : a, err: q.err[j] as number };
}

const neg = (a: Lin): Lin => ({
  refs: a.refs.map((r) => ({ ...r, c: -r.c })),
  k: -a.k,
  lo: -a.hi,
  hi: -a.lo,
  err: a.err,
});

const sum = (a: Lin, b: Lin): Lin => ({
  refs: [...a.refs, ...b.refs],
  k: a.k + b.k,
  lo: a.lo + b.lo,
  hi: a.hi + b.hi,
  err: a.err + b.err,
});

const lesser = (a: bigint, b: bigint) => (a < b ? a : b);
const greater = (a: bigint, b: bigint) => (a > b ? a : b);

/** Data and updates as values at the common scale S. */
function operands(ctx: LowerCtx, dataV: Value, updV: Value): { S: number; data: Lin[]; upd: Lin[] } {
  const vs = [dataV, updV];
  const S = Math.max(
    ...vs.map((v) => (v.kind === "signal" ? v.q.scale : exactScale(v.t.data, ctx.workScale))),
  );
  const lins = (v: Value, what: string): Lin[] => {
    if (v.kind === "signal") {
      const c = 1n << BigInt(S - v.q.scale);
      return v.q.lo.map((_, j) => element(v.q, j, c));
    }
    const { q, err } = ctx.quantize(v.t, S, what);
    return q.map((k, i) => constant(k, err[i] as number));
  };
  return { S, data: lins(dataV, "the scattered data"), upd: lins(updV, "the updates") };
}

/** Values as one tensor (free), with their proven bounds and errors. */
function materialize(ctx: LowerCtx, name: string, shape: number[], lins: Lin[], S: number): QTensor {
  const bias = lins.map((l) => l.k);
  const t = affineRefs(
    ctx,
    name,
    shape,
    lins.map((l) => l.refs),
    bias,
    S,
  );
  lins.forEach((l, i) => {
    if (l.lo > (t.lo[i] as bigint)) t.lo[i] = l.lo;
    if (l.hi < (t.hi[i] as bigint)) t.hi[i] = l.hi;
    t.err[i] = l.err;
  });
  return t;
}

/** The node's output: a constant when no element depends on the input (constant updates overwrote it). */
function result(ctx: LowerCtx, lins: Lin[], S: number, shape: number[], dtype: DType): Value {
  if (lins.every((l) => l.refs.length === 0)) {
    const data = Float64Array.from(lins, (l) => Number(l.k) / 2 ** S);
    return { kind: "const", t: { dtype, shape, data } };
  }
  return { kind: "signal", q: materialize(ctx, ctx.node.outputs[0] ?? "", shape, lins, S) };
}

const dtypeOf = (a: Value, b: Value): DType =>
  a.kind === "const" ? a.t.dtype : b.kind === "const" ? b.t.dtype : "float32";

/**
 * Maximum of each row: constants merged into one compared last (a constant-only comparison would fold
 * away under --O2), then a chain of Max2 (width + 1 each) over the signals (max prim); a single operand
 * is passed through.
 */
function extremes(ctx: LowerCtx, rows: Lin[][], S: number): Lin[] {
  const name = ctx.node.outputs[0] ?? "";
  const ops: Lin[] = [];
  const maxRows: Int32Array[] = [];
  const which: number[] = [];
  const out = rows.map((row, i) => {
    const cs = row.filter((l) => l.refs.length === 0);
    const c =
      cs.length === 0 ? [] : [cs.reduce((a, b) => constant(greater(a.k, b.k), Math.max(a.err, b.err)))];
    const operands = [...row.filter((l) => l.refs.length > 0), ...c];
    if (operands.length === 1) return operands[0] as Lin;
    maxRows.push(Int32Array.from(operands, (_, t) => ops.length + t));
    ops.push(...operands);
    which.push(i);
    return undefined;
  });
  if (maxRows.length > 0) {
    const a = materialize(ctx, `${name}/operands`, [ops.length], ops, S);
    const m = maxPrim(ctx, [a], maxRows, [maxRows.length], `${name}/max`);
    which.forEach((i, r) => {
      out[i] = element(m, r, 1n);
    });
  }
  return out as Lin[];
}

/**
 * Constant indices: update element u goes to data element dst[u]. none: wiring (the last write wins);
 * add: one affine map; max/min: per written element a Max2 chain over it and its updates; mul: products.
 */
export function scatterConst(
  ctx: LowerCtx,
  dataV: Value,
  updV: Value,
  dst: Int32Array,
  red: Reduction,
  shape: number[],
): Value {
  const writes = Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => [] as number[]);
  dst.forEach((q, u) => {
    writes[q]?.push(u);
  });
  if (red === "mul") return scatterMul(ctx, dataV, updV, writes, shape);
  const { S, data, upd } = operands(ctx, dataV, updV);
  const up = (u: number) => upd[u] as Lin;
  let out: Lin[];
  if (red === "none") out = data.map((d, q) => up(writes[q]?.at(-1) ?? -1) ?? d);
  else if (red === "add")
    out = data.map((d, q) => (writes[q] as number[]).reduce((a, u) => sum(a, up(u)), d));
  else {
    const dir = red === "max" ? (l: Lin) => l : neg;
    const rows = data.map((d, q) => [dir(d), ...(writes[q] as number[]).map((u) => dir(up(u)))]);
    out = extremes(ctx, rows, S).map(dir);
  }
  return result(ctx, out, S, shape, dtypeOf(dataV, updV));
}

/**
 * Indices computed from the input: update element u goes to base[u] + stride·p, p the position its index
 * element at[u] selects (ch, strict). Per update, e_p over its candidate positions p:
 * - add: out = data + Σ e_p·u: K − 1 products per signal update (e_p0·u = u − Σ the others), free from
 *   constant updates; duplicates add up, as they should.
 * - none: the updates in order, each out_q ← out_q + e_p·(u − out_q) at its candidate targets q (the last
 *   write wins, duplicates included): one product per (update, candidate), unless u and out_q are both
 *   constants (free); an update whose targets all still hold constant data costs K − 1 (as add). Updates
 *   that share no candidate target go in one wave (one mul prim).
 * - max/min: out_q = max(data_q, u − M·(1 − e_p) for each candidate): with M ≥ u's top minus data_q's
 *   floor an unselected term never wins, so it costs no product, only the Max2 chain (width + 1 each).
 * - mul: rejected (each candidate would need a product and a rescale).
 */
export function scatterComputed(
  ctx: LowerCtx,
  dataV: Value,
  updV: Value,
  ch: Choices,
  at: Int32Array,
  base: Int32Array,
  stride: number,
  red: Reduction,
  shape: number[],
): Value {
  if (red === "mul")
    ctx.error(
      "unsupported-op",
      `reduction "mul" with indices computed from the input is not supported`,
      "every candidate target would need a product and a rescale; constant indices support mul",
    );
  if (Array.from(at).some((i) => ch.reach(i) !== undefined))
    ctx.error(
      "unsupported-op",
      "the scatter indices carry quantization error: their target may differ from the float model's",
      "compute the indices with integer-typed ops only",
    );
  const name = ctx.node.outputs[0] ?? "";
  const { S, data, upd } = operands(ctx, dataV, updV);
  const { f, hot } = indicators(ctx, ch);
  const targets = (u: number): [number, number][] =>
    [...(hot[at[u] as number] as Map<number, number>)].map(([p, i]) => [(base[u] as number) + stride * p, i]);
  const up = (u: number) => upd[u] as Lin;
  let out: Lin[];
  if (red === "max" || red === "min") {
    const dir = red === "max" ? (l: Lin) => l : neg;
    const rows = data.map((d) => [dir(d)]);
    at.forEach((_, u) => {
      const v = dir(up(u));
      for (const [q, i] of targets(u)) {
        const row = rows[q] as Lin[];
        const m = v.hi - (row[0] as Lin).lo;
        if (m <= 0n) continue; // never above the data: cannot change the result
        row.push({
          refs: [...v.refs, { q: f, j: i, c: m }],
          k: v.k - m,
          lo: v.lo - m,
          hi: v.hi,
          err: v.err,
        });
      }
    });
    out = extremes(ctx, rows, S).map(dir);
  } else {
    out = data.slice();
    // Waves: an update goes after every earlier one that shares a candidate target.
    const last = new Array<number>(data.length).fill(0);
    const waves: number[][] = [];
    at.forEach((_, u) => {
      const ts = targets(u);
      const w = red === "add" ? 0 : Math.max(0, ...ts.map(([q]) => last[q] as number));
      for (const [q] of ts) last[q] = w + 1;
      if (!waves[w]) waves[w] = [];
      waves[w].push(u);
    });
    waves.forEach((us, w) => {
      out = scatterWave(ctx, `${name}/wave${w}`, out, us, up, targets, f, S, red === "add");
    });
  }
  return result(ctx, out, S, shape, dtypeOf(dataV, updV));
}

/**
 * One wave of updates (none: pairwise disjoint candidate targets; add: all updates, accumulated). Update
 * u at target q of candidate p: add: out_q + e_p·u; none: out_q + e_p·(u − out_q). The products e_p·D take
 * D's rows: u itself where out_q is added to or still a constant, with e_p0·u = u − Σ_(p ≠ p0) e_p·u (so
 * K − 1 products), else u − out_q (one product per target).
 */
function scatterWave(
  ctx: LowerCtx,
  name: string,
  cur: Lin[],
  us: number[],
  up: (u: number) => Lin,
  targets: (u: number) => [number, number][],
  f: QTensor,
  S: number,
  add: boolean,
): Lin[] {
  const e = (i: number, c: bigint): Ref[] => (c === 0n ? [] : [{ q: f, j: i, c }]);
  const dRows: Lin[] = [];
  const fi: number[] = [];
  const di: number[] = [];
  const product = (i: number, d: number) => {
    di.push(d);
    return fi.push(i) - 1;
  };
  // New value per touched q, its products as [index into the product tensor, coefficient].
  const next = new Map<number, { lin: Lin; prods: [number, bigint][] }>();
  for (const u of us) {
    const v = up(u);
    const ts = targets(u);
    // e_p·u directly where out_q is added to or still a constant (none: e_p·(u − k_q) = e_p·u − k_q·e_p)
    const trick = v.refs.length > 0 && (add || ts.every(([q]) => (cur[q] as Lin).refs.length === 0));
    const d = trick ? dRows.push(v) - 1 : -1;
    const ps = trick ? ts.slice(1).map(([, i]) => product(i, d)) : [];
    ts.forEach(([q, i], t) => {
      const s = next.get(q) ?? { lin: cur[q] as Lin, prods: [] };
      const c = s.lin;
      let refs: Ref[];
      let prods: [number, bigint][];
      if (trick) {
        refs = [...(add ? [] : e(i, -c.k)), ...(t === 0 ? v.refs : [])];
        prods = t === 0 ? ps.map((x) => [x, -1n]) : [[ps[t - 1] as number, 1n]];
      } else {
        const x = add ? v : sum(v, neg(c));
        // both constants: e_p·(k_u − k_q) is linear
        refs = x.refs.length === 0 ? e(i, x.k) : [];
        prods = x.refs.length === 0 ? [] : [[product(i, dRows.push(x) - 1), 1n]];
      }
      // add: e_p·u lies between 0 and u; none: the new value is the old one or u, nothing in between
      const bounds = add
        ? { lo: c.lo + lesser(0n, v.lo), hi: c.hi + greater(0n, v.hi), err: c.err + v.err }
        : { lo: lesser(c.lo, v.lo), hi: greater(c.hi, v.hi), err: Math.max(c.err, v.err) };
      next.set(q, { lin: { refs: [...c.refs, ...refs], k: c.k, ...bounds }, prods: [...s.prods, ...prods] });
    });
  }
  const out = cur.slice();
  const p =
    fi.length === 0
      ? undefined
      : mul(
          ctx,
          f,
          Int32Array.from(fi),
          materialize(ctx, `${name}/diff`, [dRows.length], dRows, S),
          Int32Array.from(di),
          [fi.length],
          `${name}/prod`,
        );
  const qs = [...next.keys()];
  const lins = [...next.values()].map(({ lin, prods }) => ({
    ...lin,
    refs: [...lin.refs, ...prods.map(([j, c]) => ({ q: p as QTensor, j, c }))],
  }));
  // none: the wave's values as one tensor, so the next wave's rows stay short and its bounds tight.
  const w = add ? undefined : materialize(ctx, name, [lins.length], lins, S);
  qs.forEach((q, t) => {
    out[q] = w ? element(w, t, 1n) : (lins[t] as Lin);
  });
  return out;
}

import type { AffinePrim, QTensor } from "../../ir.js";
import type { LowerCtx, Value } from "../../lower.js";
import { cmp } from "../../prims/cmp.js";
import { floorDiv } from "../../prims/div.js";
import { mul } from "../../prims/mul.js";
import { oneHot, oneHotCost } from "../../prims/onehot.js";
import { exactScale } from "./elementwise.js";

/**
 * Selection by indices computed from the model input (Gather, GatherElements, OneHot; GatherND and the
 * scatter ops through select-nd.ts and scatter-core.ts). An index element j with proven integer bounds
 * [lo, hi] can only pick the candidates k in [lo, hi] that are valid for an axis of length d (negative k
 * counts from the end). A one-hot vector over those candidates (the onehot prim: hint-free powers of
 * j − lo, circuits/onehot.circom) makes the selection linear: selecting from a constant table is free,
 * from signals one product per candidate position but the first (x_p0 + Σ e_p·(x_p − x_p0), as the
 * vector sums to 1). Candidates come from the per-element bounds, so a tree's node index that the
 * previous level proves to be one of two values costs nothing to one-hot.
 */

/** What each index element may select: per axis position, the indicator elements (of `ins`) that pick it. */
export interface Choices {
  /** Length of the axis. */
  d: number;
  /** Indicator tensors (0/1 signals), concatenated. */
  ins: QTensor[];
  /** Per index element: position -> flat indices into the concatenation of `ins`. */
  pos: Map<number, number[]>[];
  /**
   * The valid positions index element i may take in exact arithmetic when it carries error (the float
   * index is within that error of the circuit's), or undefined when it is exact.
   */
  reach(i: number): number[] | undefined;
}

/** A term of an affine row: c · element j of tensor q. */
export interface Ref {
  q: QTensor;
  j: number;
  c: bigint;
}

/** ctx.affine over rows of terms of any tensors (their concatenation is built here). */
export function affineRefs(
  ctx: LowerCtx,
  name: string,
  shape: number[],
  rows: Ref[][],
  bias: bigint[],
  scale: number,
  extraErr?: Float64Array,
): QTensor {
  const ins: QTensor[] = [];
  const off = new Map<number, number>();
  let total = 0;
  const at = (q: QTensor) => {
    let o = off.get(q.id);
    if (o === undefined) {
      o = total;
      off.set(q.id, o);
      ins.push(q);
      total += q.lo.length;
    }
    return o;
  };
  const affRows = rows.map((r) => ({
    idx: Int32Array.from(r, (t) => at(t.q) + t.j),
    coef: r.map((t) => t.c),
  }));
  return ctx.affine(name, shape, ins, affRows, bias, scale, extraErr);
}

/** Index input i as integers at scale 0 (ONNX indices are integer tensors). */
export function indexSignal(ctx: LowerCtx, i: number): QTensor {
  const v = ctx.required(i);
  if (v.kind !== "signal") return ctx.error("bug", `input ${i} is not a signal`);
  if (v.q.scale !== 0)
    ctx.error(
      "unsupported-op",
      `the indices (input ${i}) are computed at scale 2^${v.q.scale}, not as exact integers`,
      "compute indices with integer-typed ops (a Cast to an integer type, ArgMax, comparisons)",
    );
  return v.q;
}

const position = (k: bigint, d: number): number => Number(k < 0n ? k + BigInt(d) : k);

/**
 * Gather, GatherElements, the scatters, each component of a GatherND/ScatterND tuple: every index element
 * must select a valid position (ONNX fails otherwise), so the one-hot enforces membership where the
 * bounds do not prove it. No valid candidate is a compile error (`label` names the element).
 */
export function chooseStrict(
  ctx: LowerCtx,
  j: QTensor,
  d: number,
  label = (i: number) => `index element ${i}`,
): Choices {
  const lo: bigint[] = [];
  const count: number[] = [];
  j.lo.forEach((jl, i) => {
    const jh = j.hi[i] as bigint;
    const vlo = jl > BigInt(-d) ? jl : BigInt(-d);
    const vhi = jh < BigInt(d - 1) ? jh : BigInt(d - 1);
    if (vlo > vhi)
      ctx.error(
        "bad-onnx",
        `${label(i)} can only take values in [${jl}, ${jh}] (proven from the calibrated input range), none of them a valid index for a dimension of ${d}`,
        "check the model and the calibrated input range",
      );
    lo.push(vlo);
    count.push(Number(vhi - vlo) + 1);
  });
  const e = oneHot(ctx, j, lo, count);
  let at = 0;
  const pos = count.map((k, i) => {
    const m = new Map<number, number[]>();
    for (let t = 0; t < k; t++) {
      const p = position((lo[i] as bigint) + BigInt(t), d);
      m.set(p, [...(m.get(p) ?? []), at++]);
    }
    return m;
  });
  return { d, ins: [e], pos, reach: (i) => reach(j, d, i) };
}

/**
 * OneHot: an index outside [−d, d) selects nothing (all "off", per the ONNX spec). Where the bounds of an
 * integer index lie inside, a one-hot over them; elsewhere the cheaper of a one-hot over the whole proven
 * range (values outside [−d, d) get indicators that nothing reads) and an equality test (IsZero, 2
 * constraints) per valid candidate. A real-valued index (scale s > 0) is compared with each candidate
 * k·2^s exactly, as onnxruntime compares it (a non-integer index selects nothing).
 */
export function chooseOrNone(ctx: LowerCtx, j: QTensor, d: number): Choices {
  const name = ctx.node.outputs[0] ?? "";
  const unit = 1n << BigInt(j.scale);
  const hot: number[] = [];
  const lo: bigint[] = [];
  const count: number[] = [];
  const tests: [number, bigint][] = [];
  j.lo.forEach((jl, i) => {
    const jh = j.hi[i] as bigint;
    // integer candidates k with k·2^s within [jl, jh]
    const kl = -floorDiv(-jl, unit);
    const kh = floorDiv(jh, unit);
    const vlo = kl > BigInt(-d) ? kl : BigInt(-d);
    const vhi = kh < BigInt(d - 1) ? kh : BigInt(d - 1);
    if (vlo > vhi) return;
    const full = jh - jl + 1n;
    const valid = Number(vhi - vlo) + 1;
    if (j.scale === 0 && full <= 1n << 20n && oneHotCost(Number(full), false) <= 2 * valid) {
      hot.push(i);
      lo.push(jl);
      count.push(Number(full));
    } else for (let k = vlo; k <= vhi; k++) tests.push([i, k]);
  });
  const ins: QTensor[] = [];
  const pos = j.lo.map(() => new Map<number, number[]>());
  const add = (i: number, k: bigint, at: number) => {
    if (k < BigInt(-d) || k >= BigInt(d)) return;
    const m = pos[i] as Map<number, number[]>;
    const p = position(k, d);
    m.set(p, [...(m.get(p) ?? []), at]);
  };
  if (hot.length > 0) {
    const sub = ctx.affine(
      `${name}/index`,
      [hot.length],
      [j],
      hot.map((i) => ({ idx: Int32Array.of(i), coef: [1n] })),
      new Array<bigint>(hot.length).fill(0n),
      0,
    );
    const e = oneHot(ctx, sub, lo, count);
    ins.push(e);
    let at = 0;
    hot.forEach((i, h) => {
      for (let t = 0; t < (count[h] as number); t++) add(i, (lo[h] as bigint) + BigInt(t), at++);
    });
  }
  if (tests.length > 0) {
    const diff = ctx.affine(
      `${name}/index_diff`,
      [tests.length],
      [j],
      tests.map(([i]) => ({ idx: Int32Array.of(i), coef: [1n] })),
      tests.map(([, k]) => -k * unit),
      0,
    );
    const z = cmp(ctx, diff, "zero", [tests.length], `${name}/index_eq`);
    const off = ins.reduce((s, q) => s + q.lo.length, 0);
    ins.push(z);
    tests.forEach(([i, k], t) => {
      add(i, k, off + t);
    });
  }
  return { d, ins, pos, reach: (i) => reach(j, d, i) };
}

/**
 * Valid positions index element i may take in exact arithmetic when it carries error e (the float
 * index is within e of the circuit's): its bounds widened by e; undefined when e = 0.
 */
function reach(j: QTensor, d: number, i: number): number[] | undefined {
  if (!((j.err[i] as number) > 0)) return undefined;
  const e = BigInt(Math.ceil(j.err[i] as number));
  const l = (j.lo[i] as bigint) - e;
  const h = (j.hi[i] as bigint) + e;
  const ps = new Set<number>();
  for (let k = l > BigInt(-d) ? l : BigInt(-d); k <= h && k < BigInt(d) && ps.size < d; k++)
    ps.add(position(k, d));
  return [...ps];
}

/**
 * out[o] = data[base[o] + stride·p], p the position index element at[o] selects (strict choices). A
 * constant table is taken at its exact scale (integers at 0) up to the working scale, and selected for
 * free; signal data costs (positions − 1) products per output. Bounds: those of the candidates (exactly
 * one is selected). Error: the candidates' largest, plus the spread of every position the index may take
 * within its own error.
 */
export function selectData(
  ctx: LowerCtx,
  data: Value,
  ch: Choices,
  at: Int32Array,
  base: Int32Array,
  stride: number,
  shape: number[],
): QTensor {
  const name = ctx.node.outputs[0] ?? "";
  const n = at.length;
  const cands = (o: number) => [...(ch.pos[at[o] as number] as Map<number, number[]>).entries()];
  const src = (o: number, p: number) => (base[o] as number) + stride * p;
  let out: QTensor;
  let bound: (o: number, p: number) => [bigint, bigint, number];
  if (data.kind === "const") {
    const S = exactScale(data.t.data, ctx.workScale);
    const { q, err } = ctx.quantize(data.t, S, "the gathered table");
    const rows = Array.from({ length: n }, (_, o) => {
      const terms = cands(o).flatMap(([p, ks]) =>
        ks.map((k): [number, bigint] => [k, q[src(o, p)] as bigint]),
      );
      return { idx: Int32Array.from(terms, (t) => t[0]), coef: terms.map((t) => t[1]) };
    });
    out = ctx.affine(name, shape, ch.ins, rows, new Array<bigint>(n).fill(0n), S);
    bound = (o, p) => [q[src(o, p)] as bigint, q[src(o, p)] as bigint, err[src(o, p)] as number];
  } else {
    const x = data.q;
    out = selectSignal(ctx, x, ch, at, src, shape);
    bound = (o, p) => [x.lo[src(o, p)] as bigint, x.hi[src(o, p)] as bigint, x.err[src(o, p)] as number];
  }
  const range = (o: number, ps: number[]): [bigint, bigint, number] => {
    let [l, h, e] = [0n, 0n, 0];
    ps.forEach((p, c) => {
      const [bl, bh, be] = bound(o, p);
      if (c === 0 || bl < l) l = bl;
      if (c === 0 || bh > h) h = bh;
      e = Math.max(e, be);
    });
    return [l, h, e];
  };
  for (let o = 0; o < n; o++) {
    const [l, h, e] = range(
      o,
      cands(o).map(([p]) => p),
    );
    out.lo[o] = l;
    out.hi[o] = h;
    out.err[o] = e;
    const rp = ch.reach(at[o] as number);
    if (rp) {
      const [rl, rh, re] = range(o, rp);
      out.err[o] = Math.max(e, re) + Number((rh > h ? rh : h) - (rl < l ? rl : l)) / 2 ** out.scale;
    }
  }
  return out;
}

/**
 * One 0/1 signal per (index element i, position p) of strict choices: hot[i].get(p) indexes f. That is
 * the one-hot itself, or (where candidates k and k − d alias one position) sums of its elements: free.
 */
export function indicators(ctx: LowerCtx, ch: Choices): { f: QTensor; hot: Map<number, number>[] } {
  const e = ch.ins[0];
  if (!e || ch.ins.length !== 1) return ctx.error("bug", "indicators need one one-hot tensor");
  const aliased = ch.pos.some((m) => [...m.values()].some((ks) => ks.length > 1));
  const hot = ch.pos.map(() => new Map<number, number>());
  const rows: AffinePrim["rows"] = [];
  ch.pos.forEach((m, i) => {
    for (const [p, ks] of m) {
      hot[i]?.set(p, aliased ? rows.length : (ks[0] as number));
      rows.push({ idx: Int32Array.from(ks), coef: ks.map(() => 1n) });
    }
  });
  if (!aliased) return { f: e, hot };
  const name = `${ctx.node.outputs[0] ?? ""}/hot`;
  const f = ctx.affine(name, [rows.length], [e], rows, new Array<bigint>(rows.length).fill(0n), 0);
  return { f, hot };
}

/** x_p0 + Σ_(p ≠ p0) e_p·(x_p − x_p0) per output: the one-hot sums to 1, so the first position is free. */
function selectSignal(
  ctx: LowerCtx,
  x: QTensor,
  ch: Choices,
  at: Int32Array,
  src: (o: number, p: number) => number,
  shape: number[],
): QTensor {
  const name = ctx.node.outputs[0] ?? "";
  const n = at.length;
  const zeros = (m: number) => new Array<bigint>(m).fill(0n);
  const { f, hot } = indicators(ctx, ch);
  const fi: number[] = [];
  const dRows: AffinePrim["rows"] = [];
  const rows: AffinePrim["rows"] = [];
  for (let o = 0; o < n; o++) {
    const i = at[o] as number;
    const [p0, ...rest] = [...(ch.pos[i] as Map<number, number[]>).keys()];
    const terms = [src(o, p0 as number)];
    for (const p of rest) {
      fi.push(hot[i]?.get(p) as number);
      terms.push(x.lo.length + dRows.length);
      dRows.push({ idx: Int32Array.of(src(o, p), src(o, p0 as number)), coef: [1n, -1n] });
    }
    rows.push({ idx: Int32Array.from(terms), coef: terms.map(() => 1n) });
  }
  if (dRows.length === 0) return ctx.affine(name, shape, [x], rows, zeros(n), x.scale);
  const d = ctx.affine(`${name}/diff`, [dRows.length], [x], dRows, zeros(dRows.length), x.scale);
  const idx = Int32Array.from(dRows, (_, t) => t);
  const prod = mul(ctx, f, Int32Array.from(fi), d, idx, [dRows.length], `${name}/select`);
  return ctx.affine(name, shape, [x, prod], rows, zeros(n), x.scale);
}

import { type AffinePrim, type MaxPrim, mainOutputs, type OneHotPrim, type Plan } from "./ir.js";
import { lagrangeBasis, ONEHOT_POWERS_MAX } from "./prims/onehot.js";

/** BN254's scalar field: circom eliminates linear constraints over it. */
const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

type Row = Map<string, bigint>;

function mod(x: bigint): bigint {
  const r = x % P;
  return r < 0n ? r + P : r;
}

function inv(x: bigint): bigint {
  let [a, b, u, v] = [mod(x), P, 1n, 0n];
  while (b !== 0n) {
    const q = a / b;
    [a, b] = [b, a - q * b];
    [u, v] = [v, u - q * v];
  }
  return mod(u);
}

/**
 * Above this many coupled output rows (see `outputWiring`), the outputs are pinned: --O2's elimination of
 * shared signals grew cubically in the row count (a 300-input Gemm with a private input took 7 s for 25
 * outputs, 29 s for 50, 230 s for 100; pinned: 4 s for 100).
 */
export const PIN_ABOVE = 16;
/** Rows with more private terms than this are taken as coupled without expanding them (memory). */
const DENSE = 64;
/** Narrower rows fill in little when eliminated (LogSoftmax's rows share their 2 terms): never pinned. */
const COUPLED = 8;

export interface OutputWiring {
  /** Per output, per element: written as out = t + z with z·z = 0 (one constraint, z = 0). */
  pinned: boolean[][];
  /** Constraints the output wiring costs under --O2. */
  constraints: number;
}

/**
 * How the outputs are wired, and what that costs under --O2. Each public output is an affine function
 * of "base" signals (outputs of non-linear prims and private inputs; affine maps are substituted).
 * circom eliminates a linear constraint by solving it for a non-public signal, so of the output
 * equations only as many disappear as the rank of their non-public part: an output that copies another
 * output, a constant output, or one that only depends on public inputs keeps its constraint.
 *
 * Solving an output equation for a base signal that other output equations share fills them all, so
 * when more than PIN_ABOVE rows are coupled that way (COUPLED or more private terms, each of them also
 * in another such row, or more than DENSE terms), each coupled row is pinned instead: `out = t + z`,
 * `z·z === 0` (z = 0 in a field), which --O2 solves for the output's own z. One constraint per pinned
 * output, no fill-in. Rows with a term of their own (an activation's outputs, LogSoftmax's x − log Σ)
 * stay free: circom solves them for it.
 */
export function outputWiring(plan: Plan): OutputWiring {
  // Widths are counted without cancellation and capped, so a large output is never expanded to decide.
  const g = linearGraph(plan, DENSE + 1);
  const outs = mainOutputs(plan);
  const sizes = outs.map((o) => plan.tensors[o.tensor]?.lo.length ?? 0);
  const each = <T>(f: (id: number, j: number, i: number) => T): T[][] =>
    outs.map((o, i) => Array.from({ length: sizes[i] ?? 0 }, (_, j) => f(o.tensor, j, i)));
  const widths = each((id, j) => g.width(id, j));
  const rows = each((id, j, i) => {
    const w = widths[i]?.[j] ?? 0;
    return w > 1 && w <= DENSE ? g.expand(id, j) : undefined;
  });
  const seen = new Map<string, number>();
  for (const r of rows.flat()) for (const s of r?.keys() ?? []) seen.set(s, (seen.get(s) ?? 0) + 1);
  const coupled = widths.map((ws, i) =>
    ws.map((w, j) => {
      const r = rows[i]?.[j];
      return (
        w > DENSE ||
        (r !== undefined && r.size >= COUPLED && [...r.keys()].every((s) => (seen.get(s) ?? 0) > 1))
      );
    }),
  );
  const pin = coupled.flat().filter(Boolean).length > PIN_ABOVE;
  const pinned = coupled.map((cs) => cs.map((c) => pin && c));
  const free: Row[] = [];
  let pins = 0;
  outs.forEach((o, i) => {
    for (let j = 0; j < (sizes[i] ?? 0); j++)
      if (pinned[i]?.[j]) pins++;
      else free.push(rows[i]?.[j] ?? g.expand(o.tensor, j));
  });
  return { pinned, constraints: pins + free.length - rank(free) };
}

/**
 * The plan's linear structure: affine maps, max rows of one element (plain copies) and one-hot outputs
 * (linear in their template's signals), which --O2 substitutes away; everything else (non-linear prim
 * outputs, private inputs) is a base signal.
 */
function linearGraph(
  plan: Plan,
  cap: number,
): {
  /** The non-public linear part of tensor element (id, j) over base signals. */
  expand(id: number, j: number): Row;
  /** min(cap, number of private base terms) of element (id, j), not counting cancellations. */
  width(id: number, j: number): number;
} {
  const producer = new Map<number, AffinePrim>();
  const oneHots = new Map<number, OneHotRows>();
  for (const n of plan.nodes)
    for (const p of n.prims) {
      if (p.kind === "affine") producer.set(p.out, p);
      if (p.kind === "max" && p.rows.every((r) => r.length === 1)) producer.set(p.out, copies(p));
      if (p.kind === "onehot") oneHots.set(p.out, oneHotRows(p));
    }
  const publicInput = new Set(plan.inputs.filter((p) => p.visibility === "public").map((p) => p.out));
  /** The (source tensor, element, coefficient) terms of row j of p. */
  const terms = (p: AffinePrim, j: number): [number, number, bigint][] => {
    const out: [number, number, bigint][] = [];
    const r = p.rows[j];
    if (!r) return out;
    const offsets: [number, number][] = [];
    let off = 0;
    for (const t of p.ins) {
      offsets.push([t, off]);
      off += plan.tensors[t]?.lo.length ?? 0;
    }
    r.idx.forEach((flat, t) => {
      const c = r.coef[t] as bigint;
      if (c === 0n) return;
      let k = offsets.length - 1;
      while (k > 0 && (offsets[k] as [number, number])[1] > flat) k--;
      const [src, base] = offsets[k] as [number, number];
      out.push([src, flat - base, c]);
    });
    return out;
  };
  const rows = new Map<string, Row>();
  const widths = new Map<string, number>();
  const expand = (id: number, j: number): Row => {
    const key = `${id}:${j}`;
    const hit = rows.get(key);
    if (hit) return hit;
    const p = producer.get(id);
    const oh = oneHots.get(id);
    let row: Row;
    if (oh) {
      row = new Map();
      for (const [src, c] of oh.terms(j)) {
        const part = typeof src === "string" ? new Map([[src, 1n]]) : expand(oh.in, src);
        for (const [s, v] of part) row.set(s, mod((row.get(s) ?? 0n) + c * v));
      }
      for (const [s, v] of row) if (v === 0n) row.delete(s);
    } else if (!p) row = publicInput.has(id) ? new Map() : new Map([[key, 1n]]);
    else {
      row = new Map();
      for (const [src, e, c] of terms(p, j))
        for (const [s, v] of expand(src, e)) row.set(s, mod((row.get(s) ?? 0n) + c * v));
      for (const [s, v] of row) if (v === 0n) row.delete(s);
    }
    rows.set(key, row);
    return row;
  };
  const width = (id: number, j: number): number => {
    const key = `${id}:${j}`;
    const hit = widths.get(key);
    if (hit !== undefined) return hit;
    const p = producer.get(id);
    let w = 0;
    if (oneHots.has(id)) w = expand(id, j).size;
    else if (!p) w = publicInput.has(id) ? 0 : 1;
    else
      for (const [src, e] of terms(p, j)) {
        w += width(src, e);
        if (w >= cap) break;
      }
    w = Math.min(w, cap);
    widths.set(key, w);
    return w;
  };
  return { expand, width };
}

interface OneHotRows {
  in: number;
  /**
   * Output j of the prim as Σ c·term (constants dropped): a term is an element of the index tensor (its
   * value minus lo) or the name of a base signal of the template.
   */
  terms(j: number): [number | string, bigint][];
}

/**
 * A one-hot prim's outputs over base signals. OneHot(K, CHECK): out[k] = Σ_t L[k][t]·w_t with w_0 = 1,
 * w_1 = the index element, w_t (t >= 2) products. (CHECK's membership equation holds w_K, which nothing
 * else does, so it never lowers the rank of the outputs.) OneHotHint(K): its K hint signals satisfy
 * Σ e = 1 and Σ k·e_k = u; solved for e_0 and e_1, e_0 = 1 − u + Σ_(k>=2) (k − 1)·e_k and
 * e_1 = u − Σ_(k>=2) k·e_k over the base signals u and e_2..e_(K−1).
 */
function oneHotRows(p: OneHotPrim): OneHotRows {
  const elem: number[] = [];
  const first: number[] = [];
  p.count.forEach((k, i) => {
    first.push(elem.length);
    for (let t = 0; t < k; t++) elem.push(i);
  });
  const bases = new Map<number, bigint[][]>();
  const basis = (K: number) => {
    const b = bases.get(K) ?? lagrangeBasis(K);
    bases.set(K, b);
    return b;
  };
  return {
    in: p.in,
    terms(j) {
      const i = elem[j] as number;
      const j0 = first[i] as number;
      const k = j - j0;
      const K = p.count[i] as number;
      const key = (t: number) => `${p.out}:${j0}^${t}`;
      if (K > ONEHOT_POWERS_MAX) {
        const hint = (t: number) => `${p.out}:${j0 + t}`;
        if (k >= 2) return [[hint(k), 1n]];
        const rest: [string, bigint][] = [];
        for (let t = 2; t < K; t++) rest.push([hint(t), k === 0 ? BigInt(t - 1) : -BigInt(t)]);
        return [[i, k === 0 ? -1n : 1n], ...rest];
      }
      const row = basis(K)[k] as bigint[];
      const out: [number | string, bigint][] = [];
      row.forEach((c, t) => {
        if (t === 0 || c === 0n) return;
        out.push([t === 1 ? i : key(t), c]);
      });
      return out;
    },
  };
}

function copies(p: MaxPrim): AffinePrim {
  return {
    kind: "affine",
    out: p.out,
    ins: p.ins,
    rows: p.rows.map((r) => ({ idx: r, coef: [1n] })),
    bias: p.rows.map(() => 0n),
  };
}

/** Rank over the field of sparse rows (Gaussian elimination with a pivot per base signal). */
function rank(rows: Row[]): number {
  const pivots = new Map<string, Row>();
  let r = 0;
  for (const row0 of rows) {
    const row = new Map(row0);
    for (;;) {
      let hit: string | undefined;
      for (const s of row.keys())
        if (pivots.has(s)) {
          hit = s;
          break;
        }
      if (hit === undefined) break;
      const piv = pivots.get(hit) as Row;
      const f = row.get(hit) as bigint;
      for (const [s, v] of piv) {
        const nv = mod((row.get(s) ?? 0n) - f * v);
        if (nv === 0n) row.delete(s);
        else row.set(s, nv);
      }
    }
    const first = row.keys().next();
    if (first.done) continue;
    const k = inv(row.get(first.value) as bigint);
    for (const [s, v] of row) row.set(s, mod(v * k));
    pivots.set(first.value, row);
    r++;
  }
  return r;
}

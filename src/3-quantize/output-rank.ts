import type { AffinePrim, MaxPrim, Plan } from "./ir.js";

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
 * Above this many wide output rows (two or more private terms), the outputs are pinned (see
 * `outputWiring`): --O2's elimination of shared signals grew cubically in the row count (a 300-input
 * Gemm with a private input took 7 s for 25 outputs, 29 s for 50, 230 s for 100; pinned: 4 s for 100).
 */
export const PIN_ABOVE = 16;

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
 * Solving a wide output equation for a shared base signal fills every other equation holding it, so
 * with many wide outputs each one is pinned instead: `out = t + z`, `z·z === 0` (z = 0 in a field),
 * which --O2 solves for the output's own z. One constraint per pinned output, no fill-in.
 */
export function outputWiring(plan: Plan): OutputWiring {
  const rows = outputRows(plan);
  const wide = rows.reduce((n, rs) => n + rs.filter((r) => r.size > 1).length, 0);
  const pinned = rows.map((rs) => rs.map((r) => wide > PIN_ABOVE && r.size > 1));
  const free = rows.flatMap((rs, i) => rs.filter((_, j) => !pinned[i]?.[j]));
  const pins = rows.flat().length - free.length;
  return { pinned, constraints: pins + free.length - rank(free) };
}

/** The non-public linear part of every output element over base signals, per output. */
function outputRows(plan: Plan): Row[][] {
  // Affine maps, and max rows of one element (plain copies), are substituted away.
  const producer = new Map<number, AffinePrim>();
  for (const n of plan.nodes)
    for (const p of n.prims) {
      if (p.kind === "affine") producer.set(p.out, p);
      if (p.kind === "max" && p.rows.every((r) => r.length === 1)) producer.set(p.out, copies(p));
    }
  const publicInput = new Set(plan.inputs.filter((p) => p.visibility === "public").map((p) => p.out));
  const memo = new Map<string, Row>();

  // The non-public linear part of tensor element (id, j) over base signals.
  const expand = (id: number, j: number): Row => {
    const key = `${id}:${j}`;
    const hit = memo.get(key);
    if (hit) return hit;
    const p = producer.get(id);
    let row: Row;
    if (!p) {
      row = publicInput.has(id) ? new Map() : new Map([[key, 1n]]);
    } else {
      row = new Map();
      const r = p.rows[j];
      const offsets: [number, number][] = [];
      let off = 0;
      for (const t of p.ins) {
        offsets.push([t, off]);
        off += plan.tensors[t]?.lo.length ?? 0;
      }
      r?.idx.forEach((flat, t) => {
        const c = r.coef[t] as bigint;
        if (c === 0n) return;
        let k = offsets.length - 1;
        while (k > 0 && (offsets[k] as [number, number])[1] > flat) k--;
        const [src, base] = offsets[k] as [number, number];
        for (const [s, v] of expand(src, flat - base)) row.set(s, mod((row.get(s) ?? 0n) + c * v));
      });
      for (const [s, v] of row) if (v === 0n) row.delete(s);
    }
    memo.set(key, row);
    return row;
  };

  return plan.outputs.map((o) =>
    Array.from({ length: plan.tensors[o.tensor]?.lo.length ?? 0 }, (_, j) => expand(o.tensor, j)),
  );
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

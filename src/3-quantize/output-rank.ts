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
 * Linear constraints that --O2 cannot remove from the output wiring. Each public output is an affine
 * function of "base" signals (outputs of non-linear prims and private inputs; affine maps are
 * substituted). circom eliminates a linear constraint by solving it for a non-public signal, so of the
 * output equations only as many disappear as the rank of their non-public part: an output that copies
 * another output, a constant output, or one that only depends on public inputs keeps its constraint.
 */
export function outputWiringConstraints(plan: Plan): number {
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

  const rows: Row[] = [];
  for (const o of plan.outputs) {
    const n = plan.tensors[o.tensor]?.lo.length ?? 0;
    for (let j = 0; j < n; j++) rows.push(expand(o.tensor, j));
  }
  return rows.length - rank(rows);
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

import type { AffinePrim, Plan, PlannedNode, Prim } from "./ir.js";

/** Tensor ids a prim reads. */
function reads(p: Prim): number[] {
  switch (p.kind) {
    case "input":
      return [];
    case "affine":
    case "max":
      return p.ins;
    case "rescale":
    case "cmp":
    case "sqrt":
    case "poly":
    case "onehot":
      return [p.in];
    case "mul":
      return [p.a, p.b];
    case "div":
      return [p.num, p.den];
    case "commit":
      return p.tensors.map((t) => t.id);
  }
}

/**
 * Substitute an affine map into the elementwise affine map that is its only reader (a bias after a
 * matrix product, a negation, a wiring op after a convolution): one linear combination per output
 * instead of two layers of signals. The circuit and its constraint count are unchanged — --O2
 * substitutes linear constraints anyway — but circom's simplification of chained dense combinations
 * was about 10× slower on MNIST than of the composed ones.
 */
export function fuseAffine(plan: Plan): void {
  const uses = new Map<number, number>();
  const use = (id: number, n = 1) => uses.set(id, (uses.get(id) ?? 0) + n);
  for (const node of plan.nodes) for (const p of node.prims) for (const id of reads(p)) use(id);
  for (const o of plan.outputs) use(o.tensor, 2);
  const producer = new Map<number, { prim: AffinePrim; node: PlannedNode }>();
  for (const node of plan.nodes) {
    for (const p of [...node.prims]) {
      if (p.kind !== "affine") continue;
      const src = p.ins.length === 1 ? (p.ins[0] as number) : -1;
      const q = producer.get(src);
      if (q && uses.get(src) === 1 && elementwise(p, q.prim.rows.length)) {
        compose(p, q.prim);
        q.node.prims.splice(q.node.prims.indexOf(q.prim), 1);
        producer.delete(src);
      }
      producer.set(p.out, { prim: p, node });
    }
  }
}

/** Every row reads at most one element, and no element is read twice (so no row is duplicated). */
function elementwise(p: AffinePrim, n: number): boolean {
  const seen = new Uint8Array(n);
  for (const r of p.rows) {
    if (r.idx.length > 1) return false;
    if (r.idx.length === 1) {
      const j = r.idx[0] as number;
      if (seen[j]) return false;
      seen[j] = 1;
    }
  }
  return true;
}

function compose(p: AffinePrim, q: AffinePrim): void {
  p.rows = p.rows.map((r, i) => {
    if (r.idx.length === 0) return r;
    const j = r.idx[0] as number;
    const c = r.coef[0] as bigint;
    const inner = q.rows[j] as AffinePrim["rows"][number];
    p.bias[i] = (p.bias[i] as bigint) + c * (q.bias[j] as bigint);
    return { idx: inner.idx, coef: c === 1n ? inner.coef : inner.coef.map((v) => v * c) };
  });
  p.ins = q.ins;
}

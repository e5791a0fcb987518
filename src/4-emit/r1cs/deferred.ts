import type { Plan, Prim } from "../../3-lower/ir.js";
import { hornerProducts } from "../../3-lower/prims/poly.js";

/**
 * Tensors whose wires can appear in an output equation: the graph outputs, and through every prim whose
 * output is a linear combination (affine maps, copies, one-hots, 1-bit sign tests, polynomials without
 * products), the tensors it reads. The direct backend allocates their wires last and holds back the
 * constraints that use them, so that the output equations can eliminate some of them as circom's --O2
 * does (output-rank.ts counts how many) without renumbering what was already written.
 */
export function outputReach(plan: Plan): Set<number> {
  const producer = new Map<number, Prim>();
  for (const p of plan.inputs) producer.set(p.out, p);
  for (const n of plan.nodes) for (const p of n.prims) producer.set(p.out, p);
  const reach = new Set<number>();
  const todo = plan.outputs.map((o) => o.tensor);
  for (let t = todo.pop(); t !== undefined; t = todo.pop()) {
    if (reach.has(t)) continue;
    reach.add(t);
    const p = producer.get(t);
    if (p) for (const src of linearInputs(p)) todo.push(src);
  }
  return reach;
}

/** The tensors a prim's outputs are linear combinations of (none when they are wires of its own). */
function linearInputs(p: Prim): number[] {
  switch (p.kind) {
    case "affine":
      return p.ins;
    case "max":
      return p.rows.some((r) => r.length === 1) ? p.ins : [];
    case "onehot":
      return [p.in];
    case "cmp":
      return p.test === "nonneg" && p.bits.some((b) => b === 1) ? [p.in] : [];
    case "poly":
      return hornerProducts(p.coef) === 0 ? [p.in] : [];
    default:
      return [];
  }
}

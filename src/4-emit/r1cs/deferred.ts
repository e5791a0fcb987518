import { mainOutputs, type Plan, type Prim } from "../../3-lower/ir.js";
import { hornerProducts } from "../../3-lower/prims/poly.js";

/**
 * Tensors whose wires can appear in an output equation: the public outputs (mainOutputs), and through every prim whose
 * output is a linear combination (affine maps, copies, one-hots, 1-bit sign tests, polynomials without
 * products), the tensors it reads. The direct backend allocates their wires last and holds back the
 * constraints that use them, so that the output equations can eliminate some of them as circom's --O2
 * does (output-rank.ts counts how many) without renumbering what was already written.
 */
export function outputReach(plan: Plan): Set<number> {
  const producer = producers(plan);
  const reach = new Set<number>();
  const todo = mainOutputs(plan).map((o) => o.tensor);
  const consts = constantTensors(plan);
  const constant = (t: number) => consts.has(t);
  for (let t = todo.pop(); t !== undefined; t = todo.pop()) {
    if (reach.has(t)) continue;
    reach.add(t);
    const p = producer.get(t);
    if (p) for (const src of linearInputs(p, constant)) todo.push(src);
  }
  return reach;
}

function producers(plan: Plan): Map<number, Prim> {
  const producer = new Map<number, Prim>();
  for (const p of plan.inputs) producer.set(p.out, p);
  for (const n of plan.nodes) for (const p of n.prims) producer.set(p.out, p);
  return producer;
}

/**
 * The tensors with constant elements, the value of each such element (undefined for the others): decided
 * from the plan, so alike in every mode of the direct backend.
 */
export function constantTensors(plan: Plan): Map<number, (bigint | undefined)[]> {
  const out = new Map<number, (bigint | undefined)[]>();
  for (const [t, p] of producers(plan)) {
    const v = constantValues(p);
    if (v?.some((x) => x !== undefined)) out.set(t, v);
  }
  return out;
}

/** Rows of an affine map with no terms (their biases); one-hot vectors of one candidate (always 1). */
function constantValues(p: Prim | undefined): (bigint | undefined)[] | undefined {
  if (p?.kind === "affine") return p.rows.map((r, j) => (r.idx.length === 0 ? p.bias[j] : undefined));
  // (Array.from, not new Array(k): flatMap skips the holes of a sparse array and would shift the rest.)
  if (p?.kind === "onehot")
    return p.count.flatMap((k) => (k === 1 ? [1n] : Array.from({ length: k }, () => undefined)));
  return undefined;
}

/** The tensors a prim's outputs are linear combinations of (none when they are wires of its own). */
function linearInputs(p: Prim, constant: (t: number) => boolean): number[] {
  switch (p.kind) {
    case "mul":
      // A product with a constant operand is linear (prims/mul.ts build writes no constraint for it):
      // where one element is, the other operand may reach an output equation.
      return constant(p.a) ? [p.b] : constant(p.b) ? [p.a] : [];
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

import { bug } from "../errors.js";
import type { Plan } from "./ir.js";
import { specOf } from "./prims/registry.js";

/**
 * The integer reference evaluator: the specification of the circuit. Given the quantized graph inputs (in
 * plan.inputs order, weights left out) it returns every tensor's integer values; the circuit's witness must equal them
 * bit for bit. Each prim's own `evaluate` (prims/<kind>.ts) computes its output.
 */
export function evaluatePlan(plan: Plan, inputs: bigint[][]): bigint[][] {
  const vals: bigint[][] = new Array(plan.tensors.length);
  let i = 0;
  for (const p of plan.inputs) {
    // Weights made signals carry their values (the compiled model's, or those withParams put there).
    const x = p.param ? p.param.values : inputs[i++];
    if (!x || x.length !== (plan.tensors[p.out]?.lo.length ?? -1)) bug(`input ${i} has the wrong length`);
    vals[p.out] = x;
  }
  for (const node of plan.nodes)
    for (const p of node.prims) if (p.kind !== "input") vals[p.out] = specOf(p).evaluate(p, vals);
  return vals;
}

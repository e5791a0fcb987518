import { bug } from "../errors.js";
import type { Plan } from "./ir.js";
import { evaluateCmp } from "./prims/cmp.js";
import { evaluateDiv } from "./prims/div.js";
import { evaluateMax } from "./prims/max.js";
import { evaluateMul } from "./prims/mul.js";
import { evaluateOneHot } from "./prims/onehot.js";
import { evaluatePoly } from "./prims/poly.js";
import { evaluateSqrt } from "./prims/sqrt.js";
import { rescaleRelu, roundShift } from "./rounding.js";

/**
 * The integer reference evaluator: the specification of the circuit. Given the quantized inputs (in
 * plan.inputs order) it returns every tensor's integer values; the circuit's witness must equal them
 * bit for bit.
 */
export function evaluatePlan(plan: Plan, inputs: bigint[][]): bigint[][] {
  const vals: bigint[][] = new Array(plan.tensors.length);
  plan.inputs.forEach((p, i) => {
    const x = inputs[i];
    if (!x || x.length !== (plan.tensors[p.out]?.lo.length ?? -1)) bug(`input ${i} has the wrong length`);
    vals[p.out] = x;
  });
  for (const node of plan.nodes) {
    for (const p of node.prims) {
      switch (p.kind) {
        case "input":
          break;
        case "affine": {
          const x = p.ins.flatMap((id) => vals[id] ?? bug(`tensor ${id} used before it is computed`));
          vals[p.out] = p.rows.map((row, i) => {
            let acc = p.bias[i] as bigint;
            for (let t = 0; t < row.idx.length; t++)
              acc += (row.coef[t] as bigint) * (x[row.idx[t] as number] as bigint);
            return acc;
          });
          break;
        }
        case "rescale": {
          const x = vals[p.in] ?? bug(`tensor ${p.in} used before it is computed`);
          vals[p.out] = x.map((v) => (p.relu ? rescaleRelu(v, p.k) : roundShift(v, p.k)));
          break;
        }
        case "mul":
          vals[p.out] = evaluateMul(p, vals);
          break;
        case "max":
          vals[p.out] = evaluateMax(p, vals);
          break;
        case "cmp":
          vals[p.out] = evaluateCmp(p, vals);
          break;
        case "div":
          vals[p.out] = evaluateDiv(p, vals);
          break;
        case "sqrt":
          vals[p.out] = evaluateSqrt(p, vals);
          break;
        case "poly":
          vals[p.out] = evaluatePoly(p, vals);
          break;
        case "onehot":
          vals[p.out] = evaluateOneHot(p, vals);
          break;
      }
    }
  }
  return vals;
}

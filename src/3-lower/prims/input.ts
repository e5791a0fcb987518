import type { InputPrim } from "../ir.js";
import { num2bits } from "./bits.js";
import { Lin } from "./lin.js";
import type { PrimSpec } from "./spec.js";

const I = "    ";

function offset(c: bigint): string {
  return c === 0n ? "" : c > 0n ? ` + ${c}` : ` - ${-c}`;
}

/**
 * A graph input, public or private: range-checked to lo + [0, 2^bits) (RangeCheck: `bits` constraints
 * per value), or exactly [lo, upper] with a second check of upper − x. The signal itself is declared by
 * the model emitter; `s` is its name.
 */
export const input: PrimSpec<InputPrim> = {
  kind: "input",
  cost: (p, size) => (p.upper === undefined ? 1 : 2) * p.bits * size,
  // Inputs are given, not computed: evaluatePlan takes them as they are.
  evaluate: (p, vals) => vals[p.out] ?? [],
  circom(p, s, env) {
    const n = env.tensor(p.out).lo.length;
    const c = `rc_${s}`;
    const lines = [
      `// range check of the ${p.visibility} input ${s}`,
      `component ${c}[${n}];`,
      `for (var i = 0; i < ${n}; i++) {`,
      `${I}${c}[i] = RangeCheck(${p.bits});`,
      `${I}${c}[i].in <== ${s}[i]${offset(-p.lo)};`,
      "}",
    ];
    if (p.upper === undefined) return lines;
    // The exact check: also upper − x ∈ [0, 2^bits), so x ∈ [lo, upper] (upper − lo < 2^bits).
    return [
      ...lines,
      `component ${c}_upper[${n}];`,
      `for (var i = 0; i < ${n}; i++) {`,
      `${I}${c}_upper[i] = RangeCheck(${p.bits});`,
      `${I}${c}_upper[i].in <== ${p.upper} - ${s}[i];`,
      "}",
    ];
  },
  // The input's own wires are made by the model builder first (public inputs must follow the outputs).
  build(p, s, cs) {
    const n = cs.size(p.out);
    for (let j = 0; j < n; j++) {
      const x = cs.lin(p.out, j);
      const check = (name: string, y: Lin, value: () => bigint) => {
        cs.named(() => `main.${name}[${j}].in`, y);
        num2bits(cs, () => `main.${name}[${j}].bits`, y, value, p.bits);
      };
      check(`rc_${s}`, x.add(-p.lo), () => cs.val(p.out, j) - p.lo);
      const up = p.upper;
      if (up !== undefined) check(`rc_${s}_upper`, Lin.constant(up).minus(x), () => up - cs.val(p.out, j));
    }
  },
};

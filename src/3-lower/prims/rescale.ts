import { bug } from "../../errors.js";
import { inverse } from "../field.js";
import type { RescalePrim } from "../ir.js";
import { rescaleRelu, roundShift } from "../rounding.js";
import { num2bits, pow2, weighted } from "./bits.js";
import { Lin } from "./lin.js";
import type { Cs, PrimSpec } from "./spec.js";

const I = "    ";

/**
 * out = roundShift(in, k), or max(0, that) with `relu` (circuits/rescale.circom, rescale_relu.circom):
 * a decomposition of in's bits[i]-bit width. RescaleRelu: N + 1 constraints; Rescale: N + 1 (k = 1) or
 * N + 2 (a tie test by IsZero).
 */
export const rescale: PrimSpec<RescalePrim> = {
  kind: "rescale",
  cost: (p) => p.bits.reduce((s, b) => s + b + (p.relu ? 1 : p.k === 1 ? 1 : 2), 0),
  evaluate(p, vals) {
    const x = vals[p.in] ?? bug(`tensor ${p.in} used before it is computed`);
    return x.map((v) => (p.relu ? rescaleRelu(v, p.k) : roundShift(v, p.k)));
  },
  circom(p, s, env) {
    const n = p.bits.length;
    const c = `c_${s}`;
    const tmpl = p.relu ? "RescaleRelu" : "Rescale";
    const what = p.relu ? (p.k === 0 ? "ReLU" : `rescale by 2^${p.k} with ReLU`) : `rescale by 2^${p.k}`;
    const uniform = p.bits.every((b) => b === p.bits[0]);
    const bits = uniform ? String(p.bits[0]) : `N_${s}[i]`;
    return [
      `// ${what}; per-element decomposition widths from the bound analysis`,
      ...(uniform ? [] : [`var N_${s}[${n}] = [${p.bits.join(", ")}];`]),
      `component ${c}[${n}];`,
      `for (var i = 0; i < ${n}; i++) {`,
      `${I}${c}[i] = ${tmpl}(${bits}, ${p.k});`,
      `${I}${c}[i].in <== ${env.name(p.in)}[i];`,
      `${I}${s}[i] <== ${c}[i].out;`,
      "}",
    ];
  },
  build(p, s, cs) {
    for (let i = 0; i < p.bits.length; i++) (p.relu ? buildRelu : buildBare)(p, s, cs, i);
  },
};

/** RescaleRelu(N, k): X = in + h + 2^(N−1) in N bits; out = msb·q, q = Σ_(k≤j<N−1) b_j 2^(j−k). */
function buildRelu(p: RescalePrim, s: string, cs: Cs, i: number): void {
  const N = p.bits[i] as number;
  const h = p.k > 0 ? pow2(p.k - 1) : 0n;
  const c = () => `main.c_${s}[${i}]`;
  const x = cs.lin(p.in, i);
  cs.named(() => `${c()}.in`, x);
  const bits = num2bits(
    cs,
    () => `${c()}.bits`,
    x.add(h + pow2(N - 1)),
    () => cs.val(p.in, i) + h + pow2(N - 1),
    N,
  );
  const out = cs.wire(
    () => `${c()}.out`,
    () => rescaleRelu(cs.val(p.in, i), p.k),
  );
  cs.constrain(bits[N - 1] as Lin, weighted(bits, p.k, N - 1, p.k), out);
  cs.out(p.out, i, out);
}

/**
 * Rescale(N, k): X = in + 2^(N−1) in N bits, q0 = Σ_(j≥k) b_j 2^(j−k) − 2^(N−1−k), out = q0 + b_(k−1) −
 * negTie. `out` stays a wire (downstream rows stay sparse) and negTie is the combination q0 + b_(k−1) −
 * out: both are eliminated by --O2 from the same linear equation, one or the other.
 */
function buildBare(p: RescalePrim, s: string, cs: Cs, i: number): void {
  const N = p.bits[i] as number;
  const k = p.k;
  const c = () => `main.c_${s}[${i}]`;
  const x = cs.lin(p.in, i);
  cs.named(() => `${c()}.in`, x);
  const X = () => cs.val(p.in, i) + pow2(N - 1);
  const bits = num2bits(cs, () => `${c()}.bits`, x.add(pow2(N - 1)), X, N);
  const msb = bits[N - 1] as Lin;
  const out = cs.wire(
    () => `${c()}.out`,
    () => roundShift(cs.val(p.in, i), k),
  );
  cs.out(p.out, i, out);
  const q0 = weighted(bits, k, N, k).add(-pow2(N - 1 - k));
  const negTie = q0.plus(bits[k - 1] as Lin).minus(out);
  cs.named(() => `${c()}.negTie`, negTie);
  if (k === 1) {
    cs.constrain(bits[0] as Lin, Lin.ONE.minus(msb), negTie);
    return;
  }
  // t = low k − 1 bits + (1 − b_(k−1))·2^(k−1) + msb·2^k is 0 exactly on a negative tie: IsZero(t).
  const t = weighted(bits, 0, k - 1)
    .plus(Lin.ONE.minus(bits[k - 1] as Lin), pow2(k - 1))
    .plus(msb, pow2(k));
  const tValue = () => {
    const v = X();
    const b = (j: number) => (v >> BigInt(j)) & 1n;
    return (v & (pow2(k - 1) - 1n)) + (1n - b(k - 1)) * pow2(k - 1) + b(N - 1) * pow2(k);
  };
  const inv = cs.wire(
    () => `${c()}.isz.inv`,
    () => inverse(tValue()),
  );
  cs.named(() => `${c()}.isz.in`, t);
  cs.named(() => `${c()}.isz.out`, negTie);
  cs.constrain(t, inv, Lin.ONE.minus(negTie));
  cs.constrain(t, negTie, Lin.ZERO);
}

import { fail } from "../../errors.js";
import type { OneHotPrim, QTensor } from "../ir.js";
import type { LowerCtx } from "../lower.js";

/**
 * One-hot vectors of the integer elements of x (scale 0): element i gives count[i] outputs, [x[i] =
 * lo[i] + k] for k < count[i], concatenated in element order. Where x[i]'s proven bounds reach beyond the
 * candidates the prim enforces membership (an index outside them has no witness); where they lie inside,
 * the bounds already prove it and the check is dropped. Either way exactly one output per element is 1.
 * The outputs are exact on the integers; their error is 1 where x carries error (another candidate may be
 * the hot one), else 0.
 */
export function oneHot(
  ctx: LowerCtx,
  x: QTensor,
  lo: bigint[],
  count: number[],
  onnxName = `${ctx.node.outputs[0] ?? ""}/onehot`,
): QTensor {
  if (x.scale !== 0) ctx.error("bug", "a one-hot index must be an integer at scale 0");
  const check = count.map((k, i) => {
    const l = lo[i] as bigint;
    const xl = x.lo[i] as bigint;
    const xh = x.hi[i] as bigint;
    if (!Number.isInteger(k) || k < 1 || l < xl || l + BigInt(k) - 1n > xh)
      ctx.error("bug", "one-hot candidates must be a non-empty part of the index's proven range");
    return xl < l || xh > l + BigInt(k) - 1n;
  });
  const total = count.reduce((a, b) => a + b, 0);
  const olo: bigint[] = [];
  const ohi: bigint[] = [];
  const err = new Float64Array(total);
  let at = 0;
  count.forEach((k, i) => {
    for (let t = 0; t < k; t++) {
      olo.push(k === 1 ? 1n : 0n);
      ohi.push(1n);
      err[at++] = (x.err[i] as number) > 0 ? 1 : 0;
    }
  });
  const prim: Omit<OneHotPrim, "out"> = { kind: "onehot", in: x.id, lo, count, check };
  // Gathers from several tables by one index (a tree level's features and thresholds) share it.
  return ctx.shared(`onehot:${x.id}:${lo.join(",")}:${count.join(",")}`, () =>
    ctx.addPrim(prim, { onnxName, shape: [total], scale: 0, lo: olo, hi: ohi, err }),
  );
}

export function evaluateOneHot(p: OneHotPrim, vals: bigint[][]): bigint[] {
  const x = vals[p.in] as bigint[];
  const out: bigint[] = [];
  p.count.forEach((k, i) => {
    const lo = p.lo[i] as bigint;
    const u = (x[i] as bigint) - lo;
    if (u < 0n || u >= BigInt(k))
      fail(
        "input-out-of-range",
        `an index computed from the input is ${x[i]}, outside the valid indices [${lo}, ${lo + BigInt(k) - 1n}]`,
        { hint: "ONNX rejects an out-of-range index too; the circuit has no witness for it" },
      );
    for (let t = 0; t < k; t++) out.push(u === BigInt(t) ? 1n : 0n);
  });
  return out;
}

/** The BN254 scalar field (circom's): the Lagrange coefficients below live in it. */
const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

function mod(x: bigint): bigint {
  const r = x % P;
  return r < 0n ? r + P : r;
}

function inverse(x: bigint): bigint {
  let [a, b, u, v] = [mod(x), P, 1n, 0n];
  while (b !== 0n) {
    const q = a / b;
    [a, b] = [b, a - q * b];
    [u, v] = [v, u - q * v];
  }
  return mod(u);
}

/**
 * Coefficients mod p of the Lagrange basis of the points 0..K−1, as circuits/onehot.circom computes
 * them: row k holds L_k(x) = Π_(m≠k) (x − m)/(k − m) = Σ_t row[t]·x^t, t < K. The output rank analysis
 * (output-rank.ts) needs them: the one-hot outputs are these combinations of the index's powers.
 */
export function lagrangeBasis(K: number): bigint[][] {
  // M(x) = Π_(m<K) (x − m), lowest degree first
  const M: bigint[] = [1n, ...new Array<bigint>(K).fill(0n)];
  for (let m = 0; m < K; m++) {
    for (let t = m + 1; t > 0; t--) M[t] = mod((M[t - 1] as bigint) - BigInt(m) * (M[t] as bigint));
    M[0] = mod(-BigInt(m) * (M[0] as bigint));
  }
  return Array.from({ length: K }, (_, k) => {
    const q = new Array<bigint>(K).fill(0n);
    q[K - 1] = M[K] as bigint;
    for (let t = K - 1; t > 0; t--) q[t - 1] = mod((M[t] as bigint) + BigInt(k) * (q[t] as bigint));
    let den = 1n;
    for (let m = 0; m < K; m++) if (m !== k) den = mod(den * BigInt(k - m));
    const inv = inverse(den);
    return q.map((c) => mod(c * inv));
  });
}

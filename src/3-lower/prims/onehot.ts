import { fail } from "../../errors.js";
import { inverse, mod } from "../field.js";
import type { OneHotPrim, QTensor } from "../ir.js";
import type { LowerCtx } from "../lower.js";
import { boolean } from "./bits.js";
import { INDENT as I, varArray } from "./circom-text.js";
import { Lin } from "./lin.js";
import type { Cs, PrimSpec } from "./spec.js";

/** Largest candidate count the hint-free one-hot (OneHot) takes; above it OneHotHint, whose rows stay sparse. */
export const ONEHOT_POWERS_MAX = 32;

/**
 * Constraints of one one-hot vector of K candidates (circuits/onehot.circom): OneHot(K, CHECK) costs
 * K − 2 powers of the index when its range is proven (K = 2: free), K − 1 with the membership check
 * (1 for K = 1); OneHotHint(K), used above ONEHOT_POWERS_MAX, one booleanity constraint per candidate.
 */
export function oneHotCost(k: number, check: boolean): number {
  if (k > ONEHOT_POWERS_MAX) return k;
  return check ? Math.max(1, k - 1) : Math.max(0, k - 2);
}

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

/** Coefficients of M(x) = Π_(m<K) (x − m), lowest degree first, mod p (as the template computes them). */
function membership(K: number): bigint[] {
  const M: bigint[] = [1n, ...new Array<bigint>(K).fill(0n)];
  for (let m = 0; m < K; m++) {
    for (let t = m + 1; t > 0; t--) M[t] = mod((M[t - 1] as bigint) - BigInt(m) * (M[t] as bigint));
    M[0] = mod(-BigInt(m) * (M[0] as bigint));
  }
  return M;
}

/** Template instances grouped as the Circom text declares them: per (K, CHECK), element indices and offsets. */
function groups(p: OneHotPrim): { K: number; check: boolean; elems: number[]; at: number[] }[] {
  const byKey = new Map<string, { K: number; check: boolean; elems: number[]; at: number[] }>();
  let at = 0;
  p.count.forEach((K, i) => {
    const check = p.check[i] === true && K <= ONEHOT_POWERS_MAX;
    const key = `${K}/${check}`;
    const g = byKey.get(key) ?? { K, check, elems: [], at: [] };
    g.elems.push(i);
    g.at.push(at);
    byKey.set(key, g);
    at += K;
  });
  return [...byKey.values()];
}

/**
 * One-hot vectors (circuits/onehot.circom): OneHot(K, CHECK) for up to 32 candidates (powers of the
 * index, outputs their Lagrange combinations), OneHotHint(K) above (K booleanity-checked hints).
 */
export const oneHotSpec: PrimSpec<OneHotPrim> = {
  kind: "onehot",
  cost: (p) => p.count.reduce((s, k, i) => s + oneHotCost(k, p.check[i] === true), 0),
  evaluate: evaluateOneHot,
  circom(p, s, env) {
    const lines = [
      "// one-hot vectors of integer indices (OneHot: powers, OneHotHint: hints above 32 candidates)",
    ];
    groups(p).forEach((g, n) => {
      const tag = `${s}_${n}`;
      const make = g.K > ONEHOT_POWERS_MAX ? `OneHotHint(${g.K})` : `OneHot(${g.K}, ${g.check ? 1 : 0})`;
      lines.push(
        varArray(`I_${tag}`, g.elems),
        varArray(
          `LO_${tag}`,
          g.elems.map((i) => p.lo[i] as bigint),
        ),
        varArray(`O_${tag}`, g.at),
        `component c_${tag}[${g.elems.length}];`,
        `for (var i = 0; i < ${g.elems.length}; i++) {`,
        `${I}c_${tag}[i] = ${make};`,
        `${I}c_${tag}[i].in <== ${env.name(p.in)}[I_${tag}[i]] - LO_${tag}[i];`,
        `${I}for (var k = 0; k < ${g.K}; k++) ${s}[O_${tag}[i] + k] <== c_${tag}[i].out[k];`,
        "}",
      );
    });
    return lines;
  },
  build(p, s, cs) {
    groups(p).forEach((g, n) => {
      g.elems.forEach((e, idx) => {
        const c = () => `main.c_${s}_${n}[${idx}]`;
        const x = cs.lin(p.in, e).add(-(p.lo[e] as bigint));
        cs.named(() => `${c()}.in`, x);
        const u = () => cs.val(p.in, e) - (p.lo[e] as bigint);
        const outs = g.K > ONEHOT_POWERS_MAX ? hints(cs, x, u, g.K) : powers(cs, c, x, u, g.K, g.check);
        outs.forEach((o, k) => {
          cs.named(() => `${c()}.out[${k}]`, o);
          cs.out(p.out, (g.at[idx] as number) + k, o);
        });
      });
    });
  },
};

/**
 * OneHot(K, CHECK): powers pw[t] = pw[t−1]·in (wires) up to T = K − 1, or K with the membership check,
 * whose linear equation M(in) = 0 is what --O2 eliminates the top power with; out[k] = Σ_t L_k[t]·in^t.
 */
function powers(cs: Cs, c: () => string, x: Lin, u: () => bigint, K: number, check: boolean): Lin[] {
  const T = check ? (K === 1 ? 2 : K) : K - 1;
  const w: Lin[] = [Lin.ONE, x];
  const M = membership(K);
  for (let t = 2; t <= T; t++) {
    let pw: Lin;
    if (check && t === T) {
      // M is monic: the top power is −Σ_(t<T) M[t]·in^t (for K = 1, M(in)·in = in² = 0).
      pw =
        K === 1 ? Lin.ZERO : Lin.sum(w.slice(0, T).map((wt, k) => [-(M[k] as bigint), wt] as [bigint, Lin]));
      cs.named(() => `${c()}.pw[${t}]`, pw);
    } else
      pw = cs.wire(
        () => `${c()}.pw[${t}]`,
        () => mod(u() ** BigInt(t)),
      );
    cs.constrain(w[t - 1] as Lin, x, pw);
    w.push(pw);
  }
  return lagrangeBasis(K).map((row) => Lin.sum(row.map((l, t) => [l, w[t] ?? Lin.ZERO] as [bigint, Lin])));
}

/** OneHotHint(K): out[k] hints, booleanity each; Σ out = 1 and Σ k·out[k] = in solved for out[0], out[1]. */
function hints(cs: Cs, x: Lin, u: () => bigint, K: number): Lin[] {
  const outs: Lin[] = [Lin.ZERO, Lin.ZERO];
  for (let k = 2; k < K; k++) outs.push(cs.wire(null, () => (u() === BigInt(k) ? 1n : 0n)));
  const rest = outs.slice(2);
  // out[1] = in − Σ_(k≥2) k·out[k];  out[0] = 1 − out[1] − Σ_(k≥2) out[k]
  outs[1] = x.minus(Lin.sum(rest.map((o, k) => [BigInt(k + 2), o] as [bigint, Lin])));
  outs[0] = Lin.ONE.minus(outs[1] as Lin).minus(Lin.sum(rest.map((o) => [1n, o] as [bigint, Lin])));
  for (const o of outs) boolean(cs, o);
  return outs;
}

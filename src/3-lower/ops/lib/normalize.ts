import type { MulPrim, QTensor } from "../../ir.js";
import { LowerCtx, type Value } from "../../lower.js";
import { constantSignal } from "../../prims/basic.js";
import { div } from "../../prims/div.js";
import { mul } from "../../prims/mul.js";
import { sqrt } from "../../prims/sqrt.js";
import { quantizeNumber } from "../../quantize-value.js";
import { bitsSigned } from "../../rounding.js";

/**
 * Normalization of contiguous blocks of n elements (LayerNormalization, InstanceNormalization):
 * z = (x − μ)/√(σ² + ε) per block, in integers (X at scale s, block sum Σ):
 *
 *   D_i = n·X_i − Σ                       free; exactly n·(x_i − μ)·2^s
 *   Q_i = D_i²                            1 constraint per element (mul)
 *   V   = 2^2a·(n·Σ Q_i + E),  E = n⁴·2^2s·ε rounded at 2^-2a     free; = 2^2a·n⁴·2^2s·(σ² + ε)
 *   R   = floor(√V)                       per block (sqrt prim)
 *   INV = floor(n·2^(q+a) / R)            per block (div prim);  ≈ 2^q / (n·2^s·√(σ² + ε))
 *   P_i = D_i · INV                       1 constraint per element; z at scale q
 *   Z_i = round(P_i / 2^(q−t))            rescale to the working scale t: width(P) + 2 constraints
 *
 * so an element costs about q − t + log2(√n) + 5 constraints and a block two more templates (sqrt, div).
 * a and q are chosen so R >= 2^(t+4)·√(n−1) and INV >= 2^(t+4)·√(n−1): the relative error ρ of
 * INV·√V/(n·2^(q+a)) (from rounding E and the two floors) stays near 2^-(t+3)/√(n−1), so |z|·ρ is about
 * 2^-(t+3) (|z| <= √(n−1) always). ρ is computed from the actual bounds, not assumed.
 *
 * Bounds: Q_i >= 0; Σ Q_i = n²·Σ(X_i − X̄)² <= n³·(H − L)²/4 (Popoviciu) with [L, H] the block's range;
 * n·D_i² <= (n−1)·Σ Q (the D_i sum to 0), so n²·D_i² <= (n−1)·V/2^2a and |P_i| <= √(n−1)·2^q·(1 + 1/R_min).
 *
 * Error: z is Lipschitz in x with Σ_j |∂z_i/∂x_j| <= (2 + √(n−1)/2)/√ε, so an input error e adds that
 * times e (large when ε is small: a block with near-zero variance amplifies input error, and the bound
 * says so); the arithmetic adds √(n−1)·ρ and the final rounding 2^-(t+1).
 */
export interface Normalized {
  z: QTensor;
  /** Mean per block (LayerNormalization's optional Mean output), free. */
  mean(onnxName: string): QTensor;
  /** 1/√(σ² + ε) per block (LayerNormalization's optional InvStdDev output), free: n·INV at scale q − s. */
  invStd(onnxName: string): QTensor;
}

export function normalizeBlocks(ctx: LowerCtx, x: QTensor, n: number, eps: number): Normalized {
  if (!(eps > 0) || !Number.isFinite(eps))
    ctx.error(
      "bad-attribute",
      `epsilon=${eps} must be positive: the variance of a constant block would be 0`,
    );
  const name = ctx.node.outputs[0] ?? "";
  const G = x.lo.length / n;
  const s = x.scale;
  const t = ctx.workScale;
  const N = BigInt(n);
  const iota = (k: number) => Int32Array.from({ length: k }, (_, i) => i);
  const blockRows = (coef: bigint) =>
    Array.from({ length: G }, (_, g) => ({
      idx: iota(n).map((i) => g * n + i),
      coef: new Array<bigint>(n).fill(coef),
    }));

  const sums = ctx.affine(`${name}/sum`, [G], [x], blockRows(1n), new Array<bigint>(G).fill(0n), s);
  const D = ctx.affine(
    `${name}/centered`,
    x.shape,
    [x, sums],
    Array.from({ length: x.lo.length }, (_, i) => ({
      idx: Int32Array.of(i, x.lo.length + Math.floor(i / n)),
      coef: [N, -1n],
    })),
    new Array<bigint>(x.lo.length).fill(0n),
    s,
  );
  const Q = square(ctx, D, `${name}/squares`);

  // Per block: range [L, H] of its inputs, Popoviciu's bound on Σ Q, the worst input error.
  const Smax: bigint[] = [];
  const eIn = new Float64Array(G);
  for (let g = 0; g < G; g++) {
    let L = x.lo[g * n] as bigint;
    let H = x.hi[g * n] as bigint;
    let sq = 0n;
    for (let i = g * n; i < (g + 1) * n; i++) {
      L = (x.lo[i] as bigint) < L ? (x.lo[i] as bigint) : L;
      H = (x.hi[i] as bigint) > H ? (x.hi[i] as bigint) : H;
      sq += Q.hi[i] as bigint;
      eIn[g] = Math.max(eIn[g] as number, x.err[i] as number);
    }
    const pop = (N * N * N * (H - L) * (H - L)) / 4n;
    Smax.push(pop < sq ? pop : sq);
  }
  const Vmax = Smax.reduce((m, v) => (v > m ? v : m), 0n) * N; // n·Σ Q, before E
  const sqrtN1 = Math.sqrt(Math.max(1, n - 1));
  const eReal = n ** 4 * 2 ** (2 * s) * eps;
  const a = Math.max(0, Math.ceil(Math.log2((2 ** (t + 4) * sqrtN1) / Math.sqrt(eReal))));
  const E = quantizeNumber(eReal, 2 * a);
  if (E < 1n) ctx.error("bug", "normalization offset rounds to 0");
  const V = ctx.addPrim(
    { kind: "affine", ins: [Q.id], rows: blockRows(N << BigInt(2 * a)), bias: new Array<bigint>(G).fill(E) },
    {
      onnxName: `${name}/variance`,
      shape: [G],
      scale: 2 * s + 2 * a,
      lo: Array.from({ length: G }, (_, g) => {
        let sq = 0n;
        for (let i = g * n; i < (g + 1) * n; i++) sq += Q.lo[i] as bigint;
        return E + ((N * sq) << BigInt(2 * a));
      }),
      hi: Smax.map((v) => E + ((N * v) << BigInt(2 * a))),
      err: new Float64Array(G),
    },
  );
  const R = sqrt(ctx, V, s + a, new Float64Array(G), `${name}/stddev`);
  const Rmin = R.lo.reduce((m, v) => (v < m ? v : m));
  const Rmax = R.hi.reduce((m, v) => (v > m ? v : m));
  // q: INV >= 2^(t+4)·√(n−1) for the largest R; never below the working scale.
  const vMax = Number(Vmax) + eReal;
  const q = Math.max(t, Math.ceil(Math.log2((2 ** (t + 4) * sqrtN1 * Math.sqrt(vMax)) / n + 1)));
  const c = N << BigInt(q + a);
  const num = constantSignal(ctx, new Array<bigint>(G).fill(c), q + a, [G]);
  // Relative error of INV·√V_exact / (n·2^(q+a)), from E's rounding, the floor of √ and the floor of /.
  const theta1 = Number(Rmax) / Number(c);
  const theta2 = 1 / Number(Rmin);
  const gammaE = 0.5 / (Number(V.lo.reduce((m, v) => (v < m ? v : m))) * (1 - 1e-12)) + 1e-12;
  const rho = Math.max(1 - (1 - theta1) * Math.sqrt(1 - gammaE), Math.sqrt(1 + gammaE) / (1 - theta2) - 1);
  const INV = div(ctx, num, R, q - s, new Float64Array(G), [G], `${name}/invstd`);

  const L = n > 1 ? (2 + Math.sqrt(n - 1) / 2) / Math.sqrt(eps) : 0;
  const pMax = BigInt(Math.ceil(sqrtN1 * 2 ** q * (1 + 1 / Number(Rmin)) * (1 + 1e-12))) + 1n;
  const zErr = Float64Array.from(x.err, (_, i) => {
    const g = Math.floor(i / n);
    return n > 1 ? L * (eIn[g] as number) + sqrtN1 * rho : 0;
  });
  const P = product(ctx, D, INV, n, pMax, zErr, q, `${name}/normalized`);
  const z = ctx.rescale(P, q - t, false, name);
  return {
    z,
    mean: (onnxName) => blockMean(ctx, x, n, onnxName),
    invStd: (onnxName) => {
      // n·INV ≈ 2^(q−s)/√(σ²+ε); input sensitivity Σ_j |∂/∂x_j| <= 2/(3√3)/ε, arithmetic ρ/√ε.
      const err = Float64Array.from(eIn, (e) => (0.385 * e) / eps + rho / Math.sqrt(eps));
      const rows = Array.from({ length: G }, (_, g) => ({ idx: Int32Array.of(g), coef: [N] }));
      return ctx.affine(onnxName, [G], [INV], rows, new Array<bigint>(G).fill(0n), q - s, err);
    },
  };
}

/** D_i² with the bound a square deserves (>= 0), one constraint each. */
function square(ctx: LowerCtx, d: QTensor, onnxName: string): QTensor {
  const n = d.lo.length;
  const lo: bigint[] = new Array(n);
  const hi: bigint[] = new Array(n);
  const err = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const l = d.lo[i] as bigint;
    const h = d.hi[i] as bigint;
    const [ll, hh] = [l * l, h * h];
    lo[i] = l <= 0n && h >= 0n ? 0n : ll < hh ? ll : hh;
    hi[i] = ll > hh ? ll : hh;
    const e = d.err[i] as number;
    err[i] = 2 * LowerCtx.magnitude(d, i) * e + e * e;
  }
  const ia = Int32Array.from({ length: n }, (_, i) => i);
  const prim: Omit<MulPrim, "out"> = { kind: "mul", a: d.id, b: d.id, ia, ib: ia };
  return ctx.addPrim(prim, { onnxName, shape: d.shape, scale: 2 * d.scale, lo, hi, err });
}

/** P_i = D_i · INV_(i/n) with the proven bound |P| <= pMax (tighter than the interval product). */
function product(
  ctx: LowerCtx,
  d: QTensor,
  inv: QTensor,
  n: number,
  pMax: bigint,
  err: Float64Array,
  scale: number,
  onnxName: string,
): QTensor {
  const len = d.lo.length;
  const ia = Int32Array.from({ length: len }, (_, i) => i);
  const ib = Int32Array.from({ length: len }, (_, i) => Math.floor(i / n));
  const lo: bigint[] = new Array(len);
  const hi: bigint[] = new Array(len);
  for (let i = 0; i < len; i++) {
    const j = ib[i] as number;
    const c = [
      (d.lo[i] as bigint) * (inv.lo[j] as bigint),
      (d.lo[i] as bigint) * (inv.hi[j] as bigint),
      (d.hi[i] as bigint) * (inv.lo[j] as bigint),
      (d.hi[i] as bigint) * (inv.hi[j] as bigint),
    ];
    const l = c.reduce((m, v) => (v < m ? v : m));
    const h = c.reduce((m, v) => (v > m ? v : m));
    lo[i] = l > -pMax ? l : -pMax;
    hi[i] = h < pMax ? h : pMax;
  }
  if (lo.some((l, i) => bitsSigned(l, hi[i] as bigint) > 252))
    ctx.error("field-overflow", "normalized values too wide");
  const prim: Omit<MulPrim, "out"> = { kind: "mul", a: d.id, b: inv.id, ia, ib };
  return ctx.addPrim(prim, { onnxName, shape: d.shape, scale, lo, hi, err });
}

/** Σ X / n per block: exact at scale s + log2 n when n is a power of two, else 1/n at a widened scale. */
function blockMean(ctx: LowerCtx, x: QTensor, n: number, onnxName: string): QTensor {
  const G = x.lo.length / n;
  const pow2 = (n & (n - 1)) === 0;
  const lg = Math.ceil(Math.log2(n));
  const e = pow2 ? lg : Math.max(ctx.scales.paramScale, ctx.workScale + lg);
  const coef = pow2 ? 1n : quantizeNumber(1 / n, e);
  const delta = Math.abs(Number(coef) / 2 ** e - 1 / n);
  const rows = Array.from({ length: G }, (_, g) => ({
    idx: Int32Array.from({ length: n }, (_, i) => g * n + i),
    coef: new Array<bigint>(n).fill(coef),
  }));
  const extra = Float64Array.from({ length: G }, (_, g) => {
    let m = 0;
    for (let i = g * n; i < (g + 1) * n; i++) m += LowerCtx.magnitude(x, i);
    return delta * m;
  });
  return ctx.affine(onnxName, [G], [x], rows, new Array<bigint>(G).fill(0n), x.scale + e, extra);
}

/**
 * y = z·γ + β with γ, β indexed per element (gIdx, bIdx into their flat data). Constant γ: free, scale
 * t + s_param, error |γ|·e_z + |δγ|·|z| + |δβ|. Signal γ: one constraint per element (mul), scale
 * t + s_γ. β is quantized at (constant) or aligned to (signal) the output scale.
 */
export function scaleShift(
  ctx: LowerCtx,
  z: QTensor,
  gamma: Value,
  gIdx: Int32Array,
  beta: Value | undefined,
  bIdx: Int32Array,
): QTensor {
  const name = ctx.node.outputs[0] ?? "";
  const len = z.lo.length;
  let src: QTensor;
  let rows: { idx: Int32Array; coef: bigint[] }[];
  const extra = new Float64Array(len);
  const scaledName = beta ? `${name}/scaled` : name;
  if (gamma.kind === "const") {
    const g = ctx.quantize(gamma.t, ctx.scales.paramScale, "the scale γ");
    rows = Array.from({ length: len }, (_, i) => ({
      idx: Int32Array.of(i),
      coef: [g.q[gIdx[i] as number] as bigint],
    }));
    for (let i = 0; i < len; i++) extra[i] = (g.err[gIdx[i] as number] as number) * LowerCtx.magnitude(z, i);
    src = ctx.affine(
      scaledName,
      z.shape,
      [z],
      rows,
      new Array<bigint>(len).fill(0n),
      z.scale + ctx.scales.paramScale,
      extra,
    );
  } else {
    src = mul(
      ctx,
      z,
      Int32Array.from({ length: len }, (_, i) => i),
      gamma.q,
      gIdx,
      z.shape,
      scaledName,
    );
  }
  if (!beta) return src;
  const outScale = src.scale;
  rows = Array.from({ length: len }, (_, i) => ({ idx: Int32Array.of(i), coef: [1n] }));
  const bias = new Array<bigint>(len).fill(0n);
  const err = new Float64Array(len);
  const ins = [src];
  if (beta.kind === "const") {
    const b = ctx.quantize(beta.t, outScale, "the bias β");
    for (let i = 0; i < len; i++) {
      bias[i] = b.q[bIdx[i] as number] as bigint;
      err[i] = b.err[bIdx[i] as number] as number;
    }
  } else {
    if (beta.q.scale > outScale)
      ctx.error("unsupported-op", "a signal bias at a finer scale than the scaled output");
    const f = 1n << BigInt(outScale - beta.q.scale);
    rows.forEach((r, i) => {
      r.idx = Int32Array.of(i, len + (bIdx[i] as number));
      r.coef = [1n, f];
    });
    ins.push(beta.q);
  }
  return ctx.affine(name, z.shape, ins, rows, bias, outScale, err);
}

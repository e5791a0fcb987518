import type { QTensor } from "../../ir.js";
import type { LowerCtx } from "../../lower.js";
import { constantSignal, linear } from "../../prims/basic.js";
import { div } from "../../prims/div.js";
import { mul } from "../../prims/mul.js";
import { sqrt } from "../../prims/sqrt.js";
import { quantizeNumber } from "../../quantize-value.js";

/**
 * BatchNormalization whose statistics are signals (graph inputs, as in the ONNX conformance tests):
 * y = (x − mean)·γ·INV + β per channel, INV = 1/√(var + ε) computed in the circuit:
 *
 *   V   = var·2^(2w − s_v) + round(ε·2^2w)      free; ≈ (var + ε)·2^2w
 *   R   = floor(√V)                             per channel (sqrt prim); ≈ √(var + ε)·2^w
 *   INV = floor(2^(q+w) / R)                    per channel (div prim); ≈ 2^q/√(var + ε)
 *   G   = γ·INV                                 per channel (mul)
 *   P   = (x − mean)·G                          1 constraint per element (mul), then a rescale to the
 *                                               working scale (width + 2) and + β (free)
 *
 * w and q make R and INV at least 2^(t+5)·max(1, |y − β|max), so each floor's relative error keeps
 * |y − β|·ρ below 2^-(t+4). INV's error bound (real units) is inv_max·ρ (the floors and ε's rounding)
 * plus inv_max³/2 times var's input error (the derivative of (v + ε)^(-1/2)); the mul prims carry
 * every other input's error.
 */
export function batchNormSignals(ctx: LowerCtx, x: QTensor, C: number, eps: number): QTensor {
  const name = ctx.node.outputs[0] ?? "";
  const t = ctx.workScale;
  const [g, beta, mean, v] = [1, 2, 3, 4].map((i) => asSignal(ctx, i, C));
  if (!g || !beta || !mean || !v) return ctx.error("bug", "BatchNormalization statistics missing");
  if (!(eps > 0)) ctx.error("bad-attribute", `epsilon=${eps} must be positive when var is a signal`);
  const real = (q: QTensor, k: "lo" | "hi") =>
    q[k].reduce(
      (m, y) => (k === "lo" ? Math.min(m, Number(y)) : Math.max(m, Number(y))),
      k === "lo" ? Infinity : -Infinity,
    ) /
    2 ** q.scale;
  const eV = v.err.reduce((m, e) => Math.max(m, e), 0);
  const vLo = real(v, "lo") - eV;
  if (vLo + eps <= 0)
    ctx.error(
      "unsupported-op",
      "input_var can be <= -epsilon within the range its inputs are checked to",
      "calibrate var on non-negative values",
    );
  const invMax = 1 / Math.sqrt(Math.max(0, vLo) + eps);
  const mag = (q: QTensor) =>
    Math.max(Math.abs(real(q, "lo")), Math.abs(real(q, "hi"))) + q.err.reduce((m, e) => Math.max(m, e), 0);
  const yMax = Math.max(1, (mag(x) + mag(mean)) * mag(g) * invMax);
  const target = 2 ** (t + 5) * yMax;
  const w = Math.max(Math.ceil(v.scale / 2), Math.ceil(Math.log2(target * invMax)));
  const E = quantizeNumber(eps, 2 * w);
  const V = linear(ctx, [v], (c) => [[c, 1n << BigInt(2 * w - v.scale)]], E, [C], `${name}/var_eps`, 2 * w);
  const R = sqrt(ctx, V, w, new Float64Array(C), `${name}/stddev`);
  const Rmin = Number(R.lo.reduce((m, y) => (y < m ? y : m)));
  const Rmax = Number(R.hi.reduce((m, y) => (y > m ? y : m)));
  const q = Math.ceil(Math.log2((target * Rmax) / 2 ** w)) + 1;
  const c = 1n << BigInt(q + w);
  // INV·R/c ∈ (1 − R/c, 1]; R/√V ∈ (1 − 1/R, 1]; V/V_exact within ±0.5/V_min.
  const gammaE = 0.5 / Number(V.lo.reduce((m, y) => (y < m ? y : m)));
  const ratioLo = (1 - Rmax / Number(c)) * Math.sqrt(1 - gammaE);
  const ratioHi = Math.sqrt(1 + gammaE) / (1 - 1 / Rmin);
  const rho = Math.max(1 - ratioLo, ratioHi - 1) * (1 + 1e-9);
  const eInv = invMax * rho + 0.5 * invMax ** 3 * eV;
  const num = constantSignal(ctx, new Array<bigint>(C).fill(c), q + w, [C]);
  const INV = div(ctx, num, R, q, new Float64Array(C).fill(eInv), [C], `${name}/invstd`);
  const iota = (n: number) => Int32Array.from({ length: n }, (_, i) => i);
  const G = mul(ctx, g, iota(C), INV, iota(C), [C], `${name}/gain`);
  const n = x.lo.length;
  const per = n / (x.shape[0] ?? 1) / C;
  const chan = (i: number) => Math.floor(i / per) % C;
  const sD = Math.max(x.scale, mean.scale);
  const D = linear(
    ctx,
    [x, mean],
    (i) => [
      [i, 1n << BigInt(sD - x.scale)],
      [n + chan(i), -(1n << BigInt(sD - mean.scale))],
    ],
    0n,
    x.shape,
    `${name}/centered`,
    sD,
  );
  const P = mul(
    ctx,
    D,
    iota(n),
    G,
    Int32Array.from({ length: n }, (_, i) => chan(i)),
    x.shape,
    `${name}/scaled`,
  );
  const Z = ctx.rescale(P, P.scale - t, false, `${name}/scaled`);
  const sY = Math.max(t, beta.scale);
  return linear(
    ctx,
    [Z, beta],
    (i) => [
      [i, 1n << BigInt(sY - t)],
      [n + chan(i), 1n << BigInt(sY - beta.scale)],
    ],
    0n,
    x.shape,
    name,
    sY,
  );
}

/** Input i as a [C] signal tensor: a signal as is, a constant quantized at the working scale (free). */
function asSignal(ctx: LowerCtx, i: number, C: number): QTensor | undefined {
  const v = ctx.input(i);
  if (!v) return undefined;
  const shape = v.kind === "const" ? v.t.shape : v.q.shape;
  if (shape.length !== 1 || shape[0] !== C)
    ctx.error("bad-shape", `input ${i} has shape [${shape}]; signal statistics must have shape [${C}]`);
  if (v.kind === "signal") return ctx.signal(i);
  const q = ctx.quantize(v.t, ctx.workScale, `input ${i}`);
  const rows = q.q.map(() => ({ idx: new Int32Array(0), coef: [] as bigint[] }));
  return ctx.affine(`${ctx.node.outputs[0] ?? ""}/stat${i}`, [C], [], rows, q.q, ctx.workScale, q.err);
}

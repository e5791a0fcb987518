import type { LowerCtx, Value } from "../lower.js";
import { approx } from "../prims/poly-approx.js";
import { erfc } from "./erf.js";
import { splitSign, upperDomain } from "./lib/activation.js";
import { weightedSum } from "./lib/elementwise.js";
import type { OpSpec } from "./op.js";

const C = Math.sqrt(2 / Math.PI);

/** 1 − tanh(z) = 2 / (e^(2z) + 1), without cancellation for large z. */
const oneMinusTanh = (z: number) => 2 / (Math.exp(2 * z) + 1);

/** GELU: x·Φ(x) ("none") or 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) ("tanh"), in float64. */
export function geluF(x: number, approximate: "none" | "tanh" = "none"): number {
  return x >= 0 ? x + geluTail(x, approximate) : geluTail(-x, approximate);
}

/** gelu(−a) for a >= 0: gelu(x) − max(x, 0) = gelu(−|x|), a symmetric function of |x| that decays to 0. */
export function geluTail(a: number, approximate: "none" | "tanh"): number {
  if (approximate === "tanh") return -0.5 * a * oneMinusTanh(C * (a + 0.044715 * a ** 3));
  return -0.5 * a * erfc(a / Math.SQRT2);
}

/**
 * Gelu (opset 20; approximate = "none" | "tanh"): gelu(x) = max(x, 0) + gelu(−|x|). One ReLU gives max(x, 0)
 * and |x| (activation.ts); gelu(−a) is smooth, decays to 0 and is approximated by a piecewise polynomial
 * on a ∈ [0, L) (L = 4 at the default scale: |gelu(−4)| = 1.3e-4). Output at the working scale.
 */
export const gelu: OpSpec = {
  opType: "Gelu",
  summary: 'approximate "none" | "tanh": max(x, 0) + polynomial of gelu(−|x|) on [0, 4); ~2^-(s+1) max error',
  lower(ctx: LowerCtx): Value[] {
    const a = ctx.node.attrs.get("approximate");
    if (a !== undefined && (a.type !== "string" || (a.value !== "none" && a.value !== "tanh")))
      ctx.error("bad-attribute", `attribute approximate=${JSON.stringify(a.value)} must be "none" or "tanh"`);
    const mode = a?.value === "tanh" ? "tanh" : "none";
    const x = ctx.signal(0);
    const sp = splitSign(ctx, x);
    const g = (v: number) => geluTail(v, mode);
    const tail = approx(ctx, sp.abs, g, {
      domain: [0, upperDomain(g, ctx.workScale)],
      openHigh: true,
      key: `Gelu-${mode}`,
    });
    return [{ kind: "signal", q: weightedSum(ctx, [{ q: sp.pos }, { q: tail }], x.shape) }];
  },
};

import type { LowerCtx, Value } from "../lower.js";
import { approx } from "../prims/poly-approx.js";
import { splitSign, upperDomain } from "./lib/activation.js";
import { weightedSum } from "./lib/elementwise.js";
import type { OpSpec } from "./op.js";

/** log(1 + e^x) without overflow or cancellation. */
export function softplusF(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/**
 * Softplus(x) = max(x, 0) + log(1 + e^-|x|): one ReLU (|x| and max(x, 0) come from it, see activation.ts)
 * and a piecewise polynomial of the saturating, kink-free g(a) = log(1 + e^-a) on a ∈ [0, L) (L = 8 at
 * the default scale). Output at the working scale.
 */
export const softplus: OpSpec = {
  opType: "Softplus",
  summary: "max(x, 0) + polynomial of log(1 + e^-|x|) on [0, 8); ~2^-(s+1) max error",
  lower(ctx: LowerCtx): Value[] {
    const x = ctx.signal(0);
    const sp = splitSign(ctx, x);
    const g = (a: number) => Math.log1p(Math.exp(-a));
    const tail = approx(ctx, sp.abs, g, {
      domain: [0, upperDomain(g, ctx.workScale)],
      openHigh: true,
      key: "Softplus",
    });
    return [{ kind: "signal", q: weightedSum(ctx, [{ q: sp.pos }, { q: tail }], x.shape) }];
  },
};

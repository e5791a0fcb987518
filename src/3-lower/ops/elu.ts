import type { QTensor } from "../ir.js";
import type { LowerCtx, Value } from "../lower.js";
import { approx } from "../prims/poly-approx.js";
import { lowerDomain, splitSign } from "./lib/activation.js";
import { weightedSum } from "./lib/elementwise.js";
import type { OpSpec } from "./op.js";

/**
 * gamma·max(x, 0) + g(min(x, 0)) for a g with g(0) = 0 that saturates towards −∞ (Elu, Selu, Celu): one
 * ReLU gives both parts (activation.ts), g is a piecewise polynomial on [-L, 0] (inputs below clamped
 * where that is cheaper than covering them). Output at the working scale, or finer when gamma needs it.
 */
export function reluPlusNegative(
  ctx: LowerCtx,
  g: (m: number) => number,
  gamma: number,
  key: string,
): QTensor {
  const x = ctx.signal(0);
  const sp = splitSign(ctx, x);
  // alpha = 0: the negative part vanishes (a ReLU, times gamma)
  if (g(-1) === 0 && g(-1e6) === 0) return weightedSum(ctx, [{ q: sp.pos, w: gamma }], x.shape);
  const tail = approx(ctx, sp.neg, g, {
    domain: [lowerDomain((L) => g(-L) - g(-1e6), ctx.workScale), 0],
    key,
  });
  return weightedSum(ctx, [{ q: sp.pos, w: gamma }, { q: tail }], x.shape);
}

/**
 * Elu(alpha): x for x >= 0, alpha·(e^x − 1) below: max(x, 0) + alpha·(e^min(x,0) − 1), one ReLU and a
 * piecewise polynomial on [-L, 0] (L ≈ 8 for alpha = 1 at the default scale).
 */
export const elu: OpSpec = {
  opType: "Elu",
  summary: "max(x, 0) + polynomial of alpha·(e^min(x,0) − 1) on [-L, 0]; ~2^-(s+1) max error",
  lower(ctx: LowerCtx): Value[] {
    const alpha = ctx.float("alpha", 1);
    return [{ kind: "signal", q: reluPlusNegative(ctx, (m) => alpha * Math.expm1(m), 1, `Elu-${alpha}`) }];
  },
};

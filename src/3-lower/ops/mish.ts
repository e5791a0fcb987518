import type { LowerCtx, Value } from "../lower.js";
import { approx } from "../prims/poly-approx.js";
import { asymmetricDomain, splitSign } from "./lib/activation.js";
import { weightedSum } from "./lib/elementwise.js";
import type { OpSpec } from "./op.js";
import { softplusF } from "./softplus.js";

/** mish(x) − max(x, 0): −x·(1 − tanh(softplus(x))) for x >= 0, x·tanh(softplus(x)) below; decays both ways. */
export function mishTail(x: number): number {
  const sp = softplusF(x);
  return x >= 0 ? (-x * 2) / (Math.exp(2 * sp) + 1) : x * Math.tanh(sp);
}

export const mishF = (x: number): number => Math.max(x, 0) + mishTail(x);

/**
 * Mish(x) = x·tanh(softplus(x)) = max(x, 0) + t(x), t decaying on both sides with a kink at 0: one ReLU,
 * then a piecewise polynomial of t on [-L1, L2) (about [-11, 5) at the default scale) whose segments
 * meet at 0. Output at the working scale.
 */
export const mish: OpSpec = {
  opType: "Mish",
  summary: "max(x, 0) + polynomial of mish(x) − max(x, 0) on ~[-11, 5) (kink at 0 on a segment boundary)",
  lower(ctx: LowerCtx): Value[] {
    const x = ctx.signal(0);
    const sp = splitSign(ctx, x);
    const tail = approx(ctx, sp.x, mishTail, {
      domain: asymmetricDomain(
        (L) => mishTail(-L),
        (L) => mishTail(L),
        ctx.workScale,
      ),
      openHigh: true,
      align: 0,
      key: "Mish",
    });
    return [{ kind: "signal", q: weightedSum(ctx, [{ q: sp.pos }, { q: tail }], x.shape) }];
  },
};

import type { LowerCtx, Value } from "../lower.js";
import { approx } from "../prims/poly-approx.js";
import { symmetricDomain } from "./lib/activation.js";
import type { OpSpec } from "./op.js";

export const sigmoidF = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * Sigmoid: a piecewise polynomial on [-L, L) (L = 8 at the default scale: 1 − σ(8) = 3.4e-4), inputs beyond
 * clamped (two Max2 where the bounds exceed the domain). Scale: the input is brought to the working scale,
 * the output is at the working scale. Cost and measured error: README "Non-linear approximations".
 */
export const sigmoid: OpSpec = {
  opType: "Sigmoid",
  summary: "piecewise polynomial on [-8, 8), clamped outside; ~2^-(s+1) max error",
  lower(ctx: LowerCtx): Value[] {
    const s = ctx.workScale;
    const y = approx(ctx, ctx.signal(0), sigmoidF, {
      domain: symmetricDomain((L) => sigmoidF(-L), s),
      openHigh: true,
      image: [0, 1],
      key: "Sigmoid",
    });
    return [{ kind: "signal", q: y }];
  },
};

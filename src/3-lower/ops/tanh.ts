import type { LowerCtx, Value } from "../lower.js";
import { approx } from "../prims/poly-approx.js";
import { symmetricDomain } from "./lib/activation.js";
import type { OpSpec } from "./op.js";

/**
 * Tanh: a piecewise polynomial on [-L, L) (L = 4 at the default scale: 1 − tanh(4) = 6.7e-4), inputs
 * beyond clamped where that is cheaper than covering them. Scales as Sigmoid's.
 */
export const tanh: OpSpec = {
  opType: "Tanh",
  summary: "piecewise polynomial on [-4, 4), saturating outside; ~2^-(s+1) max error",
  lower(ctx: LowerCtx): Value[] {
    const y = approx(ctx, ctx.signal(0), Math.tanh, {
      domain: symmetricDomain((L) => 1 - Math.tanh(L), ctx.workScale),
      openHigh: true,
      image: [-1, 1],
      key: "Tanh",
    });
    return [{ kind: "signal", q: y }];
  },
};

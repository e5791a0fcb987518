import type { LowerCtx, Value } from "../lower.js";
import { reluPlusNegative } from "./elu.js";
import type { OpSpec } from "./op.js";

/**
 * Celu(alpha) = max(0, x) + min(0, alpha·(e^(x/alpha) − 1)) = max(x, 0) + alpha·(e^(min(x,0)/alpha) − 1) for
 * alpha > 0: one ReLU and a piecewise polynomial on [-L, 0] (L ≈ alpha·ln(alpha·2^(s+2))).
 */
export const celu: OpSpec = {
  opType: "Celu",
  summary: "max(x, 0) + polynomial of alpha·(e^(min(x,0)/alpha) − 1); ~2^-(s+1) max error",
  lower(ctx: LowerCtx): Value[] {
    const alpha = ctx.float("alpha", 1);
    if (!(alpha > 0)) ctx.error("bad-attribute", `attribute alpha=${alpha} must be positive`);
    const g = (m: number) => alpha * Math.expm1(m / alpha);
    return [{ kind: "signal", q: reluPlusNegative(ctx, g, 1, `Celu-${alpha}`) }];
  },
};

import type { LowerCtx, Value } from "../lower.js";
import { weightedSum } from "./lib/elementwise.js";
import type { OpSpec } from "./op.js";

/** Neg: −x, free (an affine map with coefficient −1); scale and error unchanged. */
export const neg: OpSpec = {
  opType: "Neg",
  summary: "free (coefficient −1)",
  lower(ctx: LowerCtx): Value[] {
    const x = ctx.signal(0);
    return [{ kind: "signal", q: weightedSum(ctx, [{ q: x, w: -1 }], x.shape) }];
  },
};

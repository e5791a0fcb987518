import type { LowerCtx, Value } from "../lower.js";
import { divide, ONE } from "./div.js";
import type { OpSpec } from "./op.js";

/**
 * Reciprocal: 1/x through the div prim with a constant numerator (Div's construction): q = round(2^(s+s_x)/x)
 * at the working scale s, NQ + 2·NR + 1 constraints per element. x must be proven positive or proven
 * negative over the calibrated range.
 */
export const reciprocal: OpSpec = {
  opType: "Reciprocal",
  summary: "div prim with constant numerator (x proven ≠ 0)",
  lower(ctx: LowerCtx): Value[] {
    const x = ctx.signal(0);
    return [{ kind: "signal", q: divide(ctx, { kind: "const", t: ONE }, x, x.shape) }];
  },
};

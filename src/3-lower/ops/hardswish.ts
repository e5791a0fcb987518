import type { LowerCtx, Value } from "../lower.js";
import { mul } from "../prims/mul.js";
import { hardSigmoid } from "./hardsigmoid.js";
import type { OpSpec } from "./op.js";

/**
 * HardSwish(x) = x·HardSigmoid(x) with alpha = 1/6, beta = 1/2: the two ReLUs of HardSigmoid, then one
 * product per element. The factor is kept at the working scale + 4 (its rounding is multiplied by |x|); the
 * output is at x's scale + that, not rescaled (the next rescale absorbs it).
 */
export const hardSwish: OpSpec = {
  opType: "HardSwish",
  summary: "x · clamp(x/6 + 1/2, 0, 1): two ReLUs and one product per element; exact up to rounding",
  lower(ctx: LowerCtx): Value[] {
    const x = ctx.signal(0);
    const name = ctx.node.outputs[0] ?? "";
    // the factor at 4 more bits than the working scale: its rounding is multiplied by |x|
    const h = hardSigmoid(ctx, x, 1 / 6, 0.5, `${name}/hardsigmoid`, ctx.workScale + 4);
    const idx = Int32Array.from({ length: x.lo.length }, (_, i) => i);
    return [{ kind: "signal", q: mul(ctx, x, idx, h, idx, x.shape) }];
  },
};

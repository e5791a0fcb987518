import type { LowerCtx, Value } from "../lower.js";
import { cmp } from "../prims/cmp.js";
import { mul } from "../prims/mul.js";
import { weightedSum } from "./lib/elementwise.js";
import type { OpSpec } from "./op.js";

/**
 * Abs: s = [x >= 0] (the cmp prim, the input's width N in constraints), then |x| = (2s − 1)·x (one
 * product): N + 1 per element, one less than max(x, −x) with the max prim (whose difference 2x is a bit
 * wider). A tensor whose sign is known from its bounds costs nothing. Scale unchanged; |·| is 1-Lipschitz,
 * so the error is the input's.
 */
export const abs: OpSpec = {
  opType: "Abs",
  summary: "sign test + one product (bits + 1 constraints); free when the sign is known",
  lower(ctx: LowerCtx): Value[] {
    const x = ctx.signal(0);
    if (x.lo.every((l) => l >= 0n)) return [{ kind: "signal", q: x }];
    if (x.hi.every((h) => h <= 0n))
      return [{ kind: "signal", q: weightedSum(ctx, [{ q: x, w: -1 }], x.shape) }];
    const s = cmp(ctx, x, "nonneg", x.shape, `${ctx.node.outputs[0] ?? ""}/sign`);
    const pm = weightedSum(ctx, [{ q: s, w: 2 }], x.shape, {
      consts: [{ dtype: "float64", shape: [], data: Float64Array.of(-1) }],
    });
    const ids = Int32Array.from(x.lo, (_, i) => i);
    const y = mul(ctx, pm, ids, x, ids, x.shape);
    // The product's interval bounds lose |x| >= 0 and its error bound counts a sign flip: tighten both
    // (proven: y = |x| exactly on the integers, and ||a| − |b|| <= |a − b|).
    x.lo.forEach((l, i) => {
      const h = x.hi[i] as bigint;
      y.lo[i] = l > 0n ? l : h < 0n ? -h : 0n;
      y.err[i] = x.err[i] as number;
    });
    return [{ kind: "signal", q: y }];
  },
};

import type { QTensor } from "../ir.js";
import type { LowerCtx, Value } from "../lower.js";
import { linear } from "../prims/basic.js";
import { tighten } from "./lib/activation.js";
import { scalarTensor, weightedSum } from "./lib/elementwise.js";
import type { OpSpec } from "./op.js";

/**
 * max(0, min(1, alpha·x + beta)) at scale s (default the working scale): z = alpha·x + beta (free; alpha at its exact
 * scale), r = max(0, round(z)) (the ReLU fused with the rescale to s: N + 1), y = r − max(0, r − 2^s)
 * (a second ReLU on the narrower r: M + 1). A side the bounds already rule out is skipped. Exact up to
 * the rounding and alpha/beta's quantization.
 */
export function hardSigmoid(
  ctx: LowerCtx,
  x: QTensor,
  alpha: number,
  beta: number,
  name: string,
  scale = ctx.workScale,
): QTensor {
  const z = weightedSum(ctx, [{ q: x, w: alpha }], x.shape, {
    consts: [scalarTensor(beta)],
    name: `${name}/affine`,
  });
  const s = Math.min(scale, z.scale);
  const k = z.scale - s;
  const low = z.lo.some((l) => l < 0n);
  let r = low || k > 0 ? ctx.rescale(z, k, low, `${name}/low`) : z;
  const one = 1n << BigInt(s);
  if (r.hi.some((h) => h > one)) {
    const over = linear(ctx, [r], (i) => [[i, 1n]], -one, r.shape, `${name}/over`);
    const excess = ctx.rescale(over, 0, true, `${name}/high`);
    const n = r.lo.length;
    const before = r;
    r = linear(
      ctx,
      [r, excess],
      (i) => [
        [i, 1n],
        [n + i, -1n],
      ],
      0n,
      r.shape,
      name,
    );
    // r − max(0, r − 1) = min(r, 1) with r >= 0: the ReLU's constraints make the bounds [0, 2^s], and
    // min(·, 1) is 1-Lipschitz, so the error is r's
    for (let i = 0; i < n; i++) tighten(r, i, 0n, one, before.err[i] as number);
  }
  return r;
}

/** HardSigmoid(alpha = 0.2, beta = 0.5): see `hardSigmoid`. */
export const hardSigmoidOp: OpSpec = {
  opType: "HardSigmoid",
  summary: "clamp(alpha·x + beta, 0, 1) by two ReLUs (one fused with the rescale): exact up to rounding",
  lower(ctx: LowerCtx): Value[] {
    const alpha = ctx.float("alpha", 0.2);
    const beta = ctx.float("beta", 0.5);
    return [{ kind: "signal", q: hardSigmoid(ctx, ctx.signal(0), alpha, beta, ctx.node.outputs[0] ?? "") }];
  },
};

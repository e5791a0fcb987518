import type { LowerCtx, Value } from "../lower.js";
import { linear } from "../prims/basic.js";
import { approximate } from "../prims/poly-approx.js";
import { reduction } from "./lib/reduce-axes.js";
import type { OpSpec } from "./op.js";
import { normalize } from "./softmax.js";

/** Widest decomposition of a group's exponential sum for its logarithm (as LogSoftmax's). */
const LOG_INPUT_BITS = 16;

/**
 * ReduceLogSumExp: m + log Σ exp(x − m) over the reduced axes, m the group max: LogSoftmax's machinery
 * (softmax.ts normalize: the max prim per group, an exp polynomial per element, the sums free) and one log
 * polynomial per output; m = x_0 − d_0 from the first element of the group (free). Scale: the working
 * scale. Error: the largest input error of the group (log-sum-exp is 1-Lipschitz in the max norm) plus
 * the logarithm's bound (which carries the exponentials' errors). Axes: attribute (opset < 18) or
 * constant input; keepdims, noop_with_empty_axes (then x itself).
 */
export const reduceLogSumExp: OpSpec = {
  opType: "ReduceLogSumExp",
  summary:
    "max + log Σ exp(x − max): a Max2 chain, an exp polynomial per element, a log polynomial per output",
  lower(ctx: LowerCtx): Value[] {
    const x0 = ctx.signal(0);
    const r = reduction(ctx, x0.shape);
    if (r.count === 1) return [{ kind: "signal", q: ctx.alias(x0, r.shape) }];
    const name = ctx.node.outputs[0] ?? "";
    const { x, d, sum, rowErr } = normalize(ctx, x0, r.groups, name);
    const s = ctx.workScale;
    const lse = approximate(
      ctx,
      sum,
      Math.log,
      {
        inputScale: s + 2,
        maxInputBits: LOG_INPUT_BITS,
        scale: s,
        target: 2 ** -(s + 2),
        key: "LogSoftmax-log",
      },
      `${name}/log`,
    ).y;
    const N = x.lo.length;
    const y = linear(
      ctx,
      [x, d, lse],
      (k) => {
        const first = (r.groups[k] as Int32Array)[0] as number;
        return [
          [first, 1n],
          [N + first, -1n],
          [2 * N + k, 1n],
        ];
      },
      0n,
      r.shape,
      name,
      s,
    );
    // Proven: x_0 − d_0 is the group max, within the largest element bounds (tighter than x − d's).
    r.groups.forEach((g, k) => {
      let mlo = x.lo[g[0] as number] as bigint;
      let mhi = x.hi[g[0] as number] as bigint;
      for (const j of g) {
        if ((x.lo[j] as bigint) > mlo) mlo = x.lo[j] as bigint;
        if ((x.hi[j] as bigint) > mhi) mhi = x.hi[j] as bigint;
      }
      const lo = mlo + (lse.lo[k] as bigint);
      const hi = mhi + (lse.hi[k] as bigint);
      if (lo > (y.lo[k] as bigint)) y.lo[k] = lo;
      if (hi < (y.hi[k] as bigint)) y.hi[k] = hi;
      y.err[k] = (rowErr[k] as number) + (lse.err[k] as number);
    });
    return [{ kind: "signal", q: y }];
  },
};

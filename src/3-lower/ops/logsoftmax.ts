import type { LowerCtx, Value } from "../lower.js";
import { approximate } from "../prims/poly-approx.js";
import { weightedSum } from "./lib/elementwise.js";
import type { OpSpec } from "./op.js";
import { normalize, softmaxAxis, softmaxRows } from "./softmax.js";

/** Widest decomposition of a row sum for its logarithm (one per row: cost shared by the row). */
const LOG_INPUT_BITS = 16;

/**
 * LogSoftmax(axis): y_i = d_i − log Σ_j e^(d_j) with d = x − rowmax(x) (exact), the exponentials as in
 * Softmax, and one logarithm per row (a piecewise polynomial of the row sum, proven >= ~1, at scale s + 2).
 * No division. Error: twice the logits' error (|Δy_i| <= |Δx_i| + max|Δx|) plus the logarithm's bound
 * (its own error, and its Lipschitz constant, <= 1, times the sum's accumulated exponential errors).
 */
export const logSoftmax: OpSpec = {
  opType: "LogSoftmax",
  summary:
    "max-subtract, exp polynomial, one log polynomial per row (no division); or outside (--softmax outside)",
  lower(ctx: LowerCtx): Value[] {
    const x0 = ctx.signal(0);
    const rows = softmaxRows(x0.shape, softmaxAxis(ctx, x0.shape.length));
    const name = ctx.node.outputs[0] ?? "";
    const { x, rowOf, d, sum, rowErr } = normalize(ctx, x0, rows, name);
    const s = ctx.workScale;
    const lse = approximate(
      ctx,
      sum,
      (v) => Math.log(v),
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
    const gather = Int32Array.from(rowOf);
    const lseRows = { shape: x.shape, idx: gather };
    const spread = ctx.gather([lse], lseRows.idx, lseRows.shape, `${name}/log-rows`);
    const y = weightedSum(ctx, [{ q: d }, { q: spread, w: -1 }], x.shape);
    for (let i = 0; i < N; i++)
      y.err[i] = 2 * (rowErr[rowOf[i] as number] as number) + (lse.err[rowOf[i] as number] as number);
    return [{ kind: "signal", q: y }];
  },
};

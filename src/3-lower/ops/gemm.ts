import type { ConstTensor } from "../../1-decode/graph.js";
import type { LowerCtx, Value } from "../lower.js";
import { broadcastShapes } from "./lib/broadcast.js";
import { contract } from "./lib/contract.js";
import { mapConst, type Term, weightedSum } from "./lib/elementwise.js";
import { operand } from "./matmul.js";
import type { OpSpec } from "./op.js";

/**
 * Gemm: Y = alpha·A'·B' + beta·C with A' = transA ? Aᵀ : A, B' likewise, C broadcast to [M, N].
 * - A or B constant: free; alpha is folded into the constant before it is quantized at the param scale,
 *   so Y's scale is s_signal + s_param.
 * - A and B signals: M·K·N product constraints (contract.ts), then alpha as a constant factor (free).
 * C (constant or signal, any beta) joins in one free affine map at the finest scale (elementwise.ts);
 * a constant C is quantized directly at Y's scale with beta folded in.
 */
export const gemm: OpSpec = {
  opType: "Gemm",
  summary: "alpha, beta, transA, transB; A/B constant (free) or both signals (1 constraint per product)",
  lower(ctx: LowerCtx): Value[] {
    const alpha = ctx.float("alpha", 1);
    const beta = ctx.float("beta", 1);
    const transA = ctx.int("transA", 0) !== 0;
    const transB = ctx.int("transB", 0) !== 0;
    const [aShape, bShape] = [ctx.shapeOf(0), ctx.shapeOf(1)];
    if (aShape.length !== 2 || bShape.length !== 2)
      ctx.error("bad-shape", `Gemm needs 2-D A and B, got [${aShape}] and [${bShape}]`);
    const M = (transA ? aShape[1] : aShape[0]) as number;
    const K = (transA ? aShape[0] : aShape[1]) as number;
    const K2 = (transB ? bShape[1] : bShape[0]) as number;
    const N = (transB ? bShape[0] : bShape[1]) as number;
    if (K !== K2) ctx.error("bad-shape", `inner dimensions differ: A' is [${M}, ${K}], B' is [${K2}, ${N}]`);

    let a = operand(ctx, 0);
    let b = operand(ctx, 1);
    // alpha folds into a constant operand (quantized once); with two signals it scales the product
    let factor = alpha;
    if (alpha !== 1 && (a.kind === "const" || b.kind === "const")) {
      if (b.kind === "const") b = { kind: "const", t: mapConst(b.t, (v) => v * alpha) };
      else if (a.kind === "const") a = { kind: "const", t: mapConst(a.t, (v) => v * alpha) };
      factor = 1;
    }
    const outShape = [M, N];
    const name = ctx.node.outputs[0] ?? "";
    const c = ctx.input(2);
    const needSum = factor !== 1 || c !== undefined;
    const p = contract(
      ctx,
      [
        { v: a, labels: transA ? ["k", "m"] : ["m", "k"] },
        { v: b, labels: transB ? ["n", "k"] : ["k", "n"] },
      ],
      ["m", "n"],
      needSum ? `${name}/product` : name,
    );
    if (p.kind !== "signal") return ctx.error("bug", "Gemm of constants should have been folded");
    if (!needSum) return [p];
    const terms: Term[] = [{ q: p.q, w: factor }];
    const consts: ConstTensor[] = [];
    if (c) {
      const cShape = c.kind === "const" ? c.t.shape : c.q.shape;
      if (broadcastShapes(outShape, cShape)?.join() !== outShape.join())
        ctx.error("bad-shape", `C of shape [${cShape}] does not broadcast to [${outShape}]`);
      if (c.kind === "const") consts.push(beta === 1 ? c.t : mapConst(c.t, (v) => v * beta));
      else terms.push({ q: ctx.signal(2), w: beta });
    }
    // Y's scale is at least the product's (a constant C is quantized there, as a bias)
    return [{ kind: "signal", q: weightedSum(ctx, terms, outShape, { consts, minScale: p.q.scale }) }];
  },
};

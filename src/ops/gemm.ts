import type { LowerCtx, Value } from "../3-quantize/lower.js";
import { broadcastIndex, broadcastShapes } from "./broadcast.js";
import { constantOperand, index2d, matmulRows, scaled } from "./matmul-rows.js";
import type { OpSpec } from "./op.js";

/**
 * Gemm: Y = alpha·A'·B' + beta·C with A' = transA ? Aᵀ : A, B' likewise. One of A, B must be a constant
 * (weights are compile-time constants): the product is then a free linear combination. Scale: the
 * constant is quantized at the param scale (alpha folded in), so Y's scale is s_signal + s_param; C is
 * quantized directly at Y's scale (beta folded in) and broadcast unidirectionally.
 */
export const gemm: OpSpec = {
  opType: "Gemm",
  summary: "alpha, beta, transA, transB; one of A/B constant; C constant or signal",
  lower(ctx: LowerCtx): Value[] {
    const alpha = ctx.float("alpha", 1);
    const beta = ctx.float("beta", 1);
    const transA = ctx.int("transA", 0) !== 0;
    const transB = ctx.int("transB", 0) !== 0;
    const [aShape, bShape] = [ctx.shapeOf(0), ctx.shapeOf(1)];
    if (aShape.length !== 2 || bShape.length !== 2) {
      ctx.error("bad-shape", `Gemm needs 2-D A and B, got [${aShape}] and [${bShape}]`);
    }
    const [M, K] = transA ? [aShape[1], aShape[0]] : [aShape[0], aShape[1]];
    const [K2, N] = transB ? [bShape[1], bShape[0]] : [bShape[0], bShape[1]];
    if (K !== K2) ctx.error("bad-shape", `inner dimensions differ: A' is [${M}, ${K}], B' is [${K2}, ${N}]`);
    const m = M as number;
    const k = K as number;
    const n = N as number;

    const aConst = constantOperand(ctx) === 0;
    const x = ctx.signal(aConst ? 1 : 0);
    const w = ctx.quantize(
      scaled(ctx.constant(aConst ? 0 : 1, "the weight"), alpha),
      ctx.scales.paramScale,
      "the weight",
    );
    const { rows, extraErr } = matmulRows(
      m,
      k,
      n,
      !aConst,
      x,
      index2d(aConst ? bShape : aShape, aConst ? transB : transA),
      w,
      index2d(aConst ? aShape : bShape, aConst ? transA : transB),
    );
    const outScale = x.scale + ctx.scales.paramScale;
    const outShape = [m, n];

    const c = ctx.input(2);
    let bias: bigint[] = new Array(m * n).fill(0n);
    const ins = [x];
    if (c) {
      const cShape = c.kind === "const" ? c.t.shape : c.q.shape;
      const bs = broadcastShapes(outShape, cShape);
      if (!bs || bs.join() !== outShape.join())
        ctx.error("bad-shape", `C of shape [${cShape}] does not broadcast to [${outShape}]`);
      const src = broadcastIndex(outShape, cShape);
      if (c.kind === "const") {
        const cq = ctx.quantize(scaled(c.t, beta), outScale, "C (bias)");
        bias = Array.from(src, (j) => cq.q[j] as bigint);
        src.forEach((j, i) => {
          extraErr[i] = (extraErr[i] as number) + (cq.err[j] as number);
        });
      } else {
        const cs = ctx.signal(2);
        if (beta !== 1 || cs.scale > outScale)
          ctx.error("unsupported-op", "a signal C needs beta = 1 and a scale no finer than A·B");
        const f = 1n << BigInt(outScale - cs.scale);
        rows.forEach((r, i) => {
          r.idx = Int32Array.from([...r.idx, x.lo.length + (src[i] as number)]);
          r.coef = [...r.coef, f];
        });
        ins.push(cs);
      }
    }
    const y = ctx.affine(ctx.node.outputs[0] ?? "", outShape, ins, rows, bias, outScale, extraErr);
    return [{ kind: "signal", q: y }];
  },
};

import type { ConstTensor } from "../1-decode/graph.js";
import type { AffinePrim, QTensor } from "../3-quantize/ir.js";
import { LowerCtx } from "../3-quantize/lower.js";

/**
 * Which operand of a product is the constant: weights are compile-time constants, so exactly one of
 * the two must be (products of two signals and constant folding come later).
 */
export function constantOperand(ctx: LowerCtx): 0 | 1 {
  const aConst = ctx.required(0).kind === "const";
  if (aConst === (ctx.required(1).kind === "const")) {
    ctx.error(
      "unsupported-op",
      aConst
        ? `both operands are constants (constant folding of ${ctx.node.opType} is not supported yet)`
        : "both operands are signals: products of two signals are not supported yet",
      `zkmlc supports ${ctx.node.opType} with one constant operand (the weights)`,
    );
  }
  return aConst ? 0 : 1;
}

/**
 * Rows of Y = A·B (2-D, A: M×K, B: K×N) where exactly one side is a signal tensor and the other a
 * quantized constant. Shared by Gemm and MatMul. Returns the rows and, per output, the error that
 * quantizing the constant adds (Σ_k |δw| · max|x|).
 */
export function matmulRows(
  M: number,
  K: number,
  N: number,
  signalIsA: boolean,
  x: QTensor,
  xIndex: (r: number, c: number) => number,
  w: { q: bigint[]; err: Float64Array },
  wIndex: (r: number, c: number) => number,
): { rows: AffinePrim["rows"]; extraErr: Float64Array } {
  const rows: AffinePrim["rows"] = [];
  const extraErr = new Float64Array(M * N);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      const idx = new Int32Array(K);
      const coef: bigint[] = new Array(K);
      let e = 0;
      for (let k = 0; k < K; k++) {
        const xi = signalIsA ? xIndex(m, k) : xIndex(k, n);
        const wi = signalIsA ? wIndex(k, n) : wIndex(m, k);
        idx[k] = xi;
        coef[k] = w.q[wi] as bigint;
        e += (w.err[wi] as number) * LowerCtx.magnitude(x, xi);
      }
      rows.push({ idx, coef });
      extraErr[m * N + n] = e;
    }
  }
  return { rows, extraErr };
}

/** Row-major index into a 2-D tensor, optionally transposed. */
export function index2d(shape: number[], transposed: boolean): (r: number, c: number) => number {
  const cols = shape[1] as number;
  return transposed ? (r, c) => c * cols + r : (r, c) => r * cols + c;
}

/** Scale a constant tensor by a factor (Gemm's alpha/beta), keeping its shape. */
export function scaled(t: ConstTensor, f: number): ConstTensor {
  return f === 1 ? t : { ...t, data: t.data.map((v) => v * f) };
}

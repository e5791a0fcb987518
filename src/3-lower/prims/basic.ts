import type { QTensor } from "../ir.js";
import type { LowerCtx } from "../lower.js";

/** −x, free (an affine map). */
export function negate(ctx: LowerCtx, x: QTensor, onnxName = x.onnxName): QTensor {
  return linear(ctx, [x], (i) => [[i, -1n]], 0n, x.shape, onnxName);
}

/** Signals fixed to constants (free: --O2 substitutes them), so a prim can take a constant operand. */
export function constantSignal(ctx: LowerCtx, values: bigint[], scale: number, shape: number[]): QTensor {
  const rows = values.map(() => ({ idx: new Int32Array(0), coef: [] as bigint[] }));
  return ctx.affine(`${ctx.node.outputs[0] ?? ""}/const`, shape, [], rows, values, scale);
}

/**
 * out[i] = bias + Σ coef · x[idx] over the concatenation of `ins`, with terms given per output: the
 * general free elementwise/linear map at the scale of the first input.
 */
export function linear(
  ctx: LowerCtx,
  ins: QTensor[],
  terms: (i: number) => [number, bigint][],
  bias: bigint | ((i: number) => bigint),
  shape: number[],
  onnxName = ctx.node.outputs[0] ?? "",
  scale = ins[0]?.scale ?? ctx.workScale,
): QTensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const rows = Array.from({ length: n }, (_, i) => {
    const t = terms(i);
    return { idx: Int32Array.from(t, (x) => x[0]), coef: t.map((x) => x[1]) };
  });
  const b = Array.from({ length: n }, (_, i) => (typeof bias === "function" ? bias(i) : bias));
  return ctx.affine(onnxName, shape, ins, rows, b, scale);
}

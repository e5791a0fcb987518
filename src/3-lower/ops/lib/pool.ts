import type { QTensor } from "../../ir.js";
import { LowerCtx } from "../../lower.js";
import { quantizeNumber } from "../../quantize-value.js";
import { forwardTaps, forwardWindow, kernelShape, paddedCounts } from "./window.js";

/** The windows of a pooling op over a signal X [N, C, spatial...]: one row of input indices per output. */
export interface PoolWindows {
  x: QTensor;
  outShape: number[];
  /** Flat indices into X of each output's window, padding left out. */
  rows: Int32Array[];
  /** Per output, the window size counting padding (AveragePool's count_include_pad divisor). */
  padded: Int32Array;
}

/**
 * Reads kernel_shape, strides, pads, auto_pad, dilations and (when `ceil`) ceil_mode; `global` pools
 * over the whole spatial extent (GlobalMaxPool, GlobalAveragePool).
 */
export function poolWindows(ctx: LowerCtx, global: boolean): PoolWindows {
  const x = ctx.signal(0);
  if (x.shape.length < 3)
    ctx.error("bad-shape", `${ctx.node.opType} needs X [N, C, spatial...], got [${x.shape}]`);
  const [N, C, ...inDims] = x.shape as [number, number, ...number[]];
  const inSize = inDims.reduce((a, b) => a * b, 1);
  if (global) {
    const all = Int32Array.from({ length: inSize }, (_, j) => j);
    const rows = Array.from({ length: N * C }, (_, r) => all.map((j) => r * inSize + j));
    return { x, outShape: [N, C, ...inDims.map(() => 1)], rows, padded: new Int32Array(N * C).fill(inSize) };
  }
  const ceil = ctx.int("ceil_mode", 0);
  if (ceil !== 0 && ceil !== 1) ctx.error("bad-attribute", `attribute ceil_mode=${ceil} must be 0 or 1`);
  const w = forwardWindow(ctx, inDims, kernelShape(ctx, inDims.length), ceil === 1);
  const { start, x: tapX } = forwardTaps(w);
  const outSize = w.outDims.reduce((a, b) => a * b, 1);
  const rows: Int32Array[] = new Array(N * C * outSize);
  for (let nc = 0; nc < N * C; nc++) {
    for (let p = 0; p < outSize; p++) {
      const t0 = start[p] as number;
      const t1 = start[p + 1] as number;
      if (t1 === t0)
        ctx.error(
          "bad-attribute",
          `an output's pooling window lies entirely in the padding (pads [${ctx.ints("pads", [])}])`,
        );
      const row = new Int32Array(t1 - t0);
      for (let t = t0; t < t1; t++) row[t - t0] = nc * inSize + (tapX[t] as number);
      rows[nc * outSize + p] = row;
    }
  }
  const counts = paddedCounts(w);
  const padded = Int32Array.from({ length: rows.length }, (_, r) => counts[r % outSize] as number);
  return { x, outShape: [N, C, ...w.outDims], rows, padded };
}

/**
 * Average of each window: the sum is free (affine); the division by its count is folded into the
 * coefficients. When every count is a power of two, 2^L/count is an integer and the scale grows by
 * L = log2(largest count): exact. Otherwise each coefficient is round(2^e/count) at scale s_x + e, with
 * e = max(param scale, working scale + ceil(log2 count)) so 1/count keeps its precision on wide windows;
 * the error that rounding adds (|δ|·Σ|x|) joins the error bound.
 */
export function average(ctx: LowerCtx, p: PoolWindows, counts: Int32Array): QTensor {
  const { x, rows } = p;
  let maxCount = 1;
  let pow2 = true;
  for (const c of counts) {
    if (c < 1) ctx.error("bug", "an averaging window without elements");
    maxCount = Math.max(maxCount, c);
    pow2 &&= (c & (c - 1)) === 0;
  }
  const lg = Math.ceil(Math.log2(maxCount));
  const e = pow2 ? lg : Math.max(ctx.scales.paramScale, ctx.workScale + lg);
  const mag = Float64Array.from({ length: x.lo.length }, (_, j) => LowerCtx.magnitude(x, j));
  const extraErr = new Float64Array(rows.length);
  const affineRows = rows.map((idx, r) => {
    const c = counts[r] as number;
    const coef = pow2 ? 1n << BigInt(e - Math.log2(c)) : quantizeNumber(1 / c, e);
    const delta = Math.abs(Number(coef) / 2 ** e - 1 / c);
    if (delta > 0) for (const j of idx) extraErr[r] = (extraErr[r] as number) + delta * (mag[j] as number);
    return { idx, coef: new Array<bigint>(idx.length).fill(coef) };
  });
  const bias = new Array<bigint>(rows.length).fill(0n);
  return ctx.affine(ctx.node.outputs[0] ?? "", p.outShape, [x], affineRows, bias, x.scale + e, extraErr);
}

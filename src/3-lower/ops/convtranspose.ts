import type { LowerCtx, Value } from "../lower.js";
import { convolve } from "./lib/conv-rows.js";
import { autoPad, axisInts, kernelShape, transposeTaps, type Window } from "./lib/window.js";
import type { OpSpec } from "./op.js";

/**
 * ConvTranspose: strides, pads, auto_pad, dilations, group, output_padding, output_shape (pads then
 * follow the ONNX rule: SAME_UPPER puts the odd pad at the end, otherwise at the start), optional bias.
 * Output o gathers the inputs i with o = i·stride − pad + k·dilation, so with constant weights it is a
 * free linear combination (0 constraints), scale s_x + s_param, like Conv.
 */
export const convTranspose: OpSpec = {
  opType: "ConvTranspose",
  summary:
    "strides, pads, auto_pad, dilations, group, output_padding, output_shape, bias; free with constant weights",
  lower(ctx: LowerCtx): Value[] {
    const xShape = ctx.shapeOf(0);
    const wShape = ctx.shapeOf(1);
    if (xShape.length < 3 || wShape.length !== xShape.length)
      ctx.error(
        "bad-shape",
        `ConvTranspose needs X [N, C, spatial...] and W [C, M/group, kernel...] of equal rank, got [${xShape}] and [${wShape}]`,
      );
    const [N, C, ...inDims] = xShape as [number, number, ...number[]];
    const [Cw, Mg, ...kDims] = wShape as [number, number, ...number[]];
    const group = ctx.int("group", 1);
    if (!Number.isInteger(group) || group < 1 || C % group !== 0)
      ctx.error("bad-attribute", `group=${group} must divide the input channels (${C})`);
    if (Cw !== C) ctx.error("bad-shape", `W has ${Cw} input channels, X has ${C}`);
    const rank = inDims.length;
    const kernel = kernelShape(ctx, rank, kDims);
    const w = transposeWindow(ctx, inDims, kernel);
    const Cg = C / group;
    const kSize = kernel.reduce((a, b) => a * b, 1);
    const M = Mg * group;
    const y = convolve(
      ctx,
      {
        batch: N,
        inChannels: C,
        outChannels: M,
        group,
        inSize: inDims.reduce((a, b) => a * b, 1),
        outSize: w.outDims.reduce((a, b) => a * b, 1),
        taps: transposeTaps(w),
        wIndex: (m, cc, k) => {
          const g = Math.floor(m / Mg);
          return ((g * Cg + cc) * Mg + (m - g * Mg)) * kSize + k;
        },
      },
      [N, M, ...w.outDims],
    );
    return [{ kind: "signal", q: y }];
  },
};

function transposeWindow(ctx: LowerCtx, inDims: number[], kernel: number[]): Window {
  const rank = inDims.length;
  const strides = axisInts(ctx, "strides", rank, 1, 1);
  const dilations = axisInts(ctx, "dilations", rank, 1, 1);
  const outPad = axisInts(ctx, "output_padding", rank, 0, 0);
  const mode = autoPad(ctx);
  let shape = ctx.ints("output_shape", undefined);
  if (shape && shape.length === rank + 2) shape = shape.slice(2);
  if (shape && (shape.length !== rank || shape.some((v) => !Number.isInteger(v) || v < 1)))
    ctx.error("bad-attribute", `attribute output_shape=[${shape}] needs one positive size per spatial axis`);
  if (!shape && (mode === "SAME_UPPER" || mode === "SAME_LOWER"))
    shape = inDims.map((n, d) => n * (strides[d] as number));
  const pads = mode === "NOTSET" && !shape ? axisInts(ctx, "pads", 2 * rank, 0, 0) : undefined;
  const padBegin: number[] = [];
  const padEnd: number[] = [];
  const outDims: number[] = [];
  for (let d = 0; d < rank; d++) {
    const full =
      (strides[d] as number) * ((inDims[d] as number) - 1) +
      (outPad[d] as number) +
      ((kernel[d] as number) - 1) * (dilations[d] as number) +
      1;
    if (shape) {
      const total = Math.max(0, full - (shape[d] as number));
      const half = Math.floor(total / 2);
      padBegin.push(mode === "SAME_UPPER" ? half : total - half);
      padEnd.push(mode === "SAME_UPPER" ? total - half : half);
      outDims.push(shape[d] as number);
    } else {
      const pb = pads ? (pads[d] as number) : 0;
      const pe = pads ? (pads[rank + d] as number) : 0;
      padBegin.push(pb);
      padEnd.push(pe);
      outDims.push(full - pb - pe);
    }
  }
  if (outDims.some((o) => o < 1)) ctx.error("bad-shape", `the output would be empty: [${outDims}]`);
  if (outPad.some((p, d) => p >= Math.max(strides[d] as number, dilations[d] as number)))
    ctx.error("bad-attribute", `output_padding=[${outPad}] must be smaller than the stride or the dilation`);
  return { inDims, kernel, strides, dilations, padBegin, padEnd, outDims };
}

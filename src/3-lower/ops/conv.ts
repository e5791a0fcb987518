import type { LowerCtx, Value } from "../lower.js";
import { convolve } from "./lib/conv-rows.js";
import { forwardTaps, forwardWindow, kernelShape } from "./lib/window.js";
import type { OpSpec } from "./op.js";

/**
 * Conv (1-D, 2-D, 3-D, ...): strides, pads, auto_pad (NOTSET, SAME_UPPER, SAME_LOWER, VALID), dilations,
 * group (depthwise included), optional bias. Constant weights make every output a free linear
 * combination of its window (0 constraints); scale s_x + s_param, the bias quantized at that scale.
 * Weights that are signals cost one constraint per multiply-accumulate.
 */
export const conv: OpSpec = {
  opType: "Conv",
  summary:
    "strides, pads, auto_pad, dilations, group/depthwise, bias; 1-D/2-D/3-D; free with constant weights",
  lower(ctx: LowerCtx): Value[] {
    const xShape = ctx.shapeOf(0);
    const wShape = ctx.shapeOf(1);
    if (xShape.length < 3 || wShape.length !== xShape.length)
      ctx.error(
        "bad-shape",
        `Conv needs X [N, C, spatial...] and W [M, C/group, kernel...] of equal rank, got [${xShape}] and [${wShape}]`,
      );
    const [N, C, ...inDims] = xShape as [number, number, ...number[]];
    const [M, Cg, ...kDims] = wShape as [number, number, ...number[]];
    const group = ctx.int("group", 1);
    if (!Number.isInteger(group) || group < 1 || C % group !== 0 || M % group !== 0)
      ctx.error(
        "bad-attribute",
        `group=${group} must divide the input channels (${C}) and the output channels (${M})`,
      );
    if (Cg !== C / group)
      ctx.error("bad-shape", `W has ${Cg} input channels per group, expected ${C}/${group} = ${C / group}`);
    const kernel = kernelShape(ctx, inDims.length, kDims);
    const w = forwardWindow(ctx, inDims, kernel);
    const kSize = kernel.reduce((a, b) => a * b, 1);
    const inSize = inDims.reduce((a, b) => a * b, 1);
    const outSize = w.outDims.reduce((a, b) => a * b, 1);
    const y = convolve(
      ctx,
      {
        batch: N,
        inChannels: C,
        outChannels: M,
        group,
        inSize,
        outSize,
        taps: forwardTaps(w),
        wIndex: (m, cc, k) => (m * Cg + cc) * kSize + k,
      },
      [N, M, ...w.outDims],
    );
    return [{ kind: "signal", q: y }];
  },
};

import type { LowerCtx, Value } from "../lower.js";
import { max } from "../prims/max.js";
import { poolWindows } from "./lib/pool.js";
import type { OpSpec } from "./op.js";

/**
 * MaxPool: kernel_shape, strides, pads, auto_pad, dilations, ceil_mode (1-D/2-D/3-D). Padding is left
 * out of each window (not zeros). The max prim compares at X's own scale, without a rescale first: a
 * window of k elements costs k − 1 Max2 comparisons of (difference width + 1) constraints each, and a
 * following Relu fuses the rescale. Scale and error bound: those of X. The Indices output is rejected.
 */
export const maxPool: OpSpec = {
  opType: "MaxPool",
  summary: "kernel_shape, strides, pads, auto_pad, dilations, ceil_mode; (k−1)·(width+1) per output",
  lower(ctx: LowerCtx): Value[] {
    if (ctx.node.outputs[1])
      ctx.error(
        "unsupported-op",
        "the Indices output of MaxPool is not supported",
        "export the model without return_indices",
      );
    const order = ctx.int("storage_order", 0);
    if (order !== 0 && order !== 1)
      ctx.error("bad-attribute", `attribute storage_order=${order} must be 0 or 1`);
    const { x, outShape, rows } = poolWindows(ctx, false);
    return [{ kind: "signal", q: max(ctx, [x], rows, outShape) }];
  },
};

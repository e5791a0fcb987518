import type { LowerCtx, Value } from "../lower.js";
import { reduceExtremum } from "./lib/reduce-extremum.js";
import type { OpSpec } from "./op.js";

/**
 * ReduceMax: the max prim over each group of the reduced axes, at the input's scale: count − 1 Max2 per
 * output element, each its difference's width + 1 constraints. Axes: attribute (opset < 18) or constant
 * input; keepdims, noop_with_empty_axes.
 */
export const reduceMax: OpSpec = {
  opType: "ReduceMax",
  summary: "max over axes; (count−1)·(width+1) per output",
  lower(ctx: LowerCtx): Value[] {
    return [{ kind: "signal", q: reduceExtremum(ctx, 1) }];
  },
};

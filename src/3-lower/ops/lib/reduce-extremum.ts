import type { QTensor } from "../../ir.js";
import type { LowerCtx } from "../../lower.js";
import { negate } from "../../prims/basic.js";
import { max } from "../../prims/max.js";
import { reduction } from "./reduce-axes.js";

/**
 * dir·max(dir·x) over the reduced axes (ReduceMax: dir 1, ReduceMin: dir −1): the max prim over each
 * group at the input's scale (no rescale first), count − 1 Max2 per output. The negations are free.
 */
export function reduceExtremum(ctx: LowerCtx, dir: 1 | -1): QTensor {
  const x = ctx.signal(0);
  const r = reduction(ctx, x.shape);
  if (r.count === 1) return ctx.alias(x, r.shape);
  const name = ctx.node.outputs[0] ?? "";
  if (dir === 1) return max(ctx, [x], r.groups, r.shape);
  const m = max(ctx, [negate(ctx, x, `${name}/neg`)], r.groups, r.shape, `${name}/max`);
  return negate(ctx, m, name);
}

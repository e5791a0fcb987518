import type { LowerCtx, Value } from "../lower.js";
import { reshapeValue } from "./lib/reshape-like.js";
import type { OpSpec } from "./op.js";

/** Flatten(axis = 1): [d0..d(a-1)] × [da..]; negative axis counts from the end. Free (an alias). */
export const flatten: OpSpec = {
  opType: "Flatten",
  summary: "axis (negative allowed); free",
  lower(ctx: LowerCtx): Value[] {
    const shape = ctx.shapeOf(0);
    let axis = ctx.int("axis", 1);
    if (axis < 0) axis += shape.length;
    if (axis < 0 || axis > shape.length)
      ctx.error("bad-attribute", `axis ${ctx.int("axis", 1)} is out of range for rank ${shape.length}`);
    const prod = (s: number[]) => s.reduce((p, d) => p * d, 1);
    return [reshapeValue(ctx, [prod(shape.slice(0, axis)), prod(shape.slice(axis))])];
  },
};

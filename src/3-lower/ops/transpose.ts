import type { LowerCtx, Value } from "../lower.js";
import { dataSignal, mapIndex, route, strides } from "./lib/indexing.js";
import type { OpSpec } from "./op.js";

/**
 * Transpose(perm = reversed axes): out[i_0..] = x[..] with out axis k = input axis perm[k]. Free: an
 * alias when only size-1 axes move (the element order is unchanged), else wiring; scale unchanged.
 */
export const transpose: OpSpec = {
  opType: "Transpose",
  summary: "perm (default: reverse); free",
  lower(ctx: LowerCtx): Value[] {
    const x = dataSignal(ctx);
    const rank = x.shape.length;
    const perm = ctx.ints("perm", undefined) ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
    const sorted = [...perm].sort((a, b) => a - b);
    if (perm.length !== rank || sorted.some((p, i) => p !== i))
      ctx.error("bad-attribute", `perm [${perm}] is not a permutation of the ${rank} axes`);
    const shape = perm.map((p) => x.shape[p] as number);
    const st = strides(x.shape);
    const src = mapIndex(shape, (idx) => {
      let f = 0;
      for (let k = 0; k < rank; k++) f += (idx[k] as number) * (st[perm[k] as number] as number);
      return f;
    });
    return [{ kind: "signal", q: route(ctx, x, src, shape) }];
  },
};

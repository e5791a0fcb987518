import type { LowerCtx, Value } from "../lower.js";
import { dataSignal, mapIndex, routeWithFill } from "./lib/indexing.js";
import type { OpSpec } from "./op.js";

/**
 * Trilu (opset 14): keeps the upper (upper = 1, j − i >= k) or lower (upper = 0, j − i <= k) triangle
 * of the last two dimensions and zeroes the rest; k (input 1, default 0) must be a compile-time
 * constant. Free (wiring and constant zeros); scale unchanged.
 */
export const trilu: OpSpec = {
  opType: "Trilu",
  summary: "constant k, upper or lower; free",
  lower(ctx: LowerCtx): Value[] {
    const upper = ctx.int("upper", 1);
    if (upper !== 0 && upper !== 1) ctx.error("bad-attribute", `upper=${upper} should be 0 or 1`);
    const kt = ctx.input(1) ? ctx.constant(1, "the Trilu diagonal offset k") : undefined;
    if (kt && kt.data.length !== 1) ctx.error("bad-shape", "k should be a scalar");
    const k = kt ? (kt.data[0] as number) : 0;
    const x = dataSignal(ctx);
    const r = x.shape.length;
    if (r < 2) ctx.error("bad-shape", `the input has rank ${r}; Trilu needs at least 2`);
    const src = mapIndex(x.shape, (idx) => {
      const d = (idx[r - 1] as number) - (idx[r - 2] as number);
      const keep = upper === 1 ? d >= k : d <= k;
      let f = 0;
      for (let a = 0; a < r; a++) f = f * (x.shape[a] as number) + (idx[a] as number);
      return keep ? f : -1;
    });
    return [{ kind: "signal", q: routeWithFill(ctx, x, src, x.shape, 0) }];
  },
};

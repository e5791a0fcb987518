import type { LowerCtx, Value } from "../lower.js";
import { average, poolWindows } from "./lib/pool.js";
import type { OpSpec } from "./op.js";

/**
 * AveragePool: kernel_shape, strides, pads, auto_pad, dilations, ceil_mode, count_include_pad (padding
 * counts in the divisor; the ceil_mode overhang never does). Free (0 constraints): the window sum and
 * the division by its size are one affine map. Scale: s_x + log2(count) when every count is a power of
 * two (exact), else s_x + max(param scale, working scale + ceil(log2 count)) (see pool.ts `average`).
 */
export const averagePool: OpSpec = {
  opType: "AveragePool",
  summary: "kernel_shape, strides, pads, auto_pad, dilations, ceil_mode, count_include_pad; free",
  lower(ctx: LowerCtx): Value[] {
    const include = ctx.int("count_include_pad", 0);
    if (include !== 0 && include !== 1)
      ctx.error("bad-attribute", `attribute count_include_pad=${include} must be 0 or 1`);
    const p = poolWindows(ctx, false);
    const counts = include ? p.padded : Int32Array.from(p.rows, (r) => r.length);
    return [{ kind: "signal", q: average(ctx, p, counts) }];
  },
};

import type { LowerCtx, Value } from "../lower.js";
import { broadcastIndex, broadcastShapes } from "./lib/broadcast.js";
import { dataSignal, route } from "./lib/indexing.js";
import type { OpSpec } from "./op.js";

/**
 * Expand to a constant shape with numpy broadcasting in both directions (a 1 in the shape keeps the
 * input's dimension; the shape may have fewer or more axes). Free: an alias when no element repeats,
 * else wiring; scale unchanged.
 */
export const expand: OpSpec = {
  opType: "Expand",
  summary: "constant shape, two-way broadcasting; free",
  lower(ctx: LowerCtx): Value[] {
    const target = Array.from(ctx.constant(1, "the Expand shape").data);
    const x = dataSignal(ctx);
    if (target.some((d) => !Number.isInteger(d) || d < 0))
      ctx.error("bad-shape", `the Expand shape [${target}] must hold non-negative integers`);
    const shape = broadcastShapes(x.shape, target);
    if (!shape) ctx.error("bad-shape", `[${x.shape}] cannot be expanded to [${target}]`);
    return [{ kind: "signal", q: route(ctx, x, broadcastIndex(shape, x.shape), shape) }];
  },
};

import type { LowerCtx, Value } from "../lower.js";
import { normalizeBlocks, scaleShift } from "./lib/normalize.js";
import type { OpSpec } from "./op.js";

/**
 * InstanceNormalization: y = scale[c]·(x − μ)/√(σ² + ε) + B[c], mean and variance over the spatial axes
 * of each (n, c). Cost per element about q − t + log2(n)/2 + 5 constraints (two products and a rescale),
 * per channel and image one FloorSqrt and one FloorDiv (normalize.ts); scale t + s_param with constant
 * scale/B.
 */
export const instanceNormalization: OpSpec = {
  opType: "InstanceNormalization",
  summary: "epsilon; ~2 products + a rescale per element, a sqrt and a division per channel",
  lower(ctx: LowerCtx): Value[] {
    const x = ctx.signal(0);
    if (x.shape.length < 3)
      ctx.error("bad-shape", `InstanceNormalization needs X [N, C, spatial...], got [${x.shape}]`);
    const C = x.shape[1] as number;
    const n = x.shape.slice(2).reduce((a, b) => a * b, 1);
    for (const i of [1, 2]) {
      const shape = ctx.shapeOf(i);
      if (shape.length !== 1 || shape[0] !== C)
        ctx.error("bad-shape", `input ${i} has shape [${shape}], expected [${C}]`);
    }
    const at = Int32Array.from({ length: x.lo.length }, (_, j) => Math.floor(j / n) % C);
    const norm = normalizeBlocks(ctx, x, n, ctx.float("epsilon", 1e-5));
    return [{ kind: "signal", q: scaleShift(ctx, norm.z, ctx.required(1), at, ctx.required(2), at) }];
  },
};

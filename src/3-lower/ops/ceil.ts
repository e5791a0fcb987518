import type { LowerCtx, Value } from "../lower.js";
import { weightedSum } from "./lib/elementwise.js";
import { floorShift, integerPartError } from "./lib/integer-part.js";
import type { OpSpec } from "./op.js";

/**
 * Ceil on fixed point: −floor(−X / 2^s), exact, an integer tensor at scale 0. Cost as Floor (the input's
 * width + 3 constraints per element; the negations are free). Scale 0 input: free.
 */
export const ceil: OpSpec = {
  opType: "Ceil",
  summary: "exact ceiling of the fixed-point value (bits + 3 constraints), result at scale 0",
  lower(ctx: LowerCtx): Value[] {
    const x = ctx.signal(0);
    if (x.scale === 0) return [{ kind: "signal", q: x }];
    const name = ctx.node.outputs[0] ?? "";
    const f = floorShift(ctx, x, x.scale, -1, `${name}/neg_floor`);
    const y = weightedSum(ctx, [{ q: f, w: -1 }], x.shape);
    y.err.set(x.err.map(integerPartError));
    return [{ kind: "signal", q: y }];
  },
};

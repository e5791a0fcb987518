import type { LowerCtx, Value } from "../lower.js";
import { floorShift, integerPartError } from "./lib/integer-part.js";
import type { OpSpec } from "./op.js";

/**
 * Floor on fixed point: floor(X / 2^s) of the input's integers X at scale s, exact, as an integer tensor
 * at scale 0. Cost: one rescale of 2X − 2^s + 1 by s + 1 (integer-part.ts): the input's width + 3
 * constraints per element. Scale 0 input: free (already integers). Error: floor(e) + 1 where the input
 * carries an error e (a value near an integer may land on either side).
 */
export const floor: OpSpec = {
  opType: "Floor",
  summary: "exact floor of the fixed-point value (bits + 3 constraints), result at scale 0",
  lower(ctx: LowerCtx): Value[] {
    const x = ctx.signal(0);
    if (x.scale === 0) return [{ kind: "signal", q: x }];
    const y = floorShift(ctx, x, x.scale, 1, ctx.node.outputs[0] ?? "");
    y.err.set(x.err.map(integerPartError));
    return [{ kind: "signal", q: y }];
  },
};

import type { LowerCtx, Value } from "../lower.js";
import { roundHalfEven } from "./lib/integer-part.js";
import type { OpSpec } from "./op.js";

/**
 * Round (half to even, as ONNX specifies) on fixed point, exact, an integer tensor at scale 0: one floor
 * by 2^(s+1) plus an (s + 2)-bit sign test to break ties toward even (integer-part.ts roundHalfEven):
 * about the input's width + s + 5 constraints per element, against width + 3 for Floor. Scale 0: free.
 */
export const round: OpSpec = {
  opType: "Round",
  summary: "exact half-to-even rounding (about bits + scale + 5 constraints), result at scale 0",
  lower(ctx: LowerCtx): Value[] {
    const x = ctx.signal(0);
    if (x.scale === 0) return [{ kind: "signal", q: x }];
    return [{ kind: "signal", q: roundHalfEven(ctx, x, ctx.node.outputs[0] ?? "") }];
  },
};

import type { LowerCtx, Value } from "../lower.js";
import { approxOverRange, definedOn } from "./lib/elementary.js";
import type { OpSpec } from "./op.js";

/** Acos: as Asin, the input proven within [-1, 1] and a piecewise polynomial over its range. */
export const acos: OpSpec = {
  opType: "Acos",
  summary: "input proven within [-1, 1]; piecewise polynomial over the input range; error measured",
  lower(ctx: LowerCtx): Value[] {
    const q = approxOverRange(ctx, { f: Math.acos, maxBits: 16, reject: definedOn("acos", -1, 1) });
    return [{ kind: "signal", q }];
  },
};

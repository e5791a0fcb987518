import type { LowerCtx, Value } from "../lower.js";
import type { OpSpec } from "./op.js";

/** Identity: the output is the input. Free. */
export const identity: OpSpec = {
  opType: "Identity",
  summary: "free",
  lower(ctx: LowerCtx): Value[] {
    return [ctx.required(0)];
  },
};

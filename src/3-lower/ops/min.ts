import type { LowerCtx, Value } from "../lower.js";
import { extremum } from "./lib/extremum.js";
import type { OpSpec } from "./op.js";

/** Min of one or more inputs with numpy broadcasting: −max(−x₁, −x₂, ...) (negations free); cost as Max. */
export const min: OpSpec = {
  opType: "Min",
  summary: "variadic, numpy broadcasting; k − 1 Max2 per element (on negated inputs)",
  lower(ctx: LowerCtx): Value[] {
    return [{ kind: "signal", q: extremum(ctx, -1) }];
  },
};

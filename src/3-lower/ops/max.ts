import type { LowerCtx, Value } from "../lower.js";
import { extremum } from "./lib/extremum.js";
import type { OpSpec } from "./op.js";

/**
 * Max of one or more inputs with numpy broadcasting: the max prim, a chain of Max2 per output element
 * (k inputs: k − 1 comparisons, each its difference's width + 1 constraints). Inputs are aligned to the
 * finest scale (free); constant inputs are merged into one and compared last. One input: itself.
 */
export const max: OpSpec = {
  opType: "Max",
  summary: "variadic, numpy broadcasting; k − 1 Max2 per element",
  lower(ctx: LowerCtx): Value[] {
    return [{ kind: "signal", q: extremum(ctx, 1) }];
  },
};

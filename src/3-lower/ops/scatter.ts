import type { LowerCtx, Value } from "../lower.js";
import type { OpSpec } from "./op.js";
import { lowerScatterElements } from "./scatterelements.js";

/** Scatter (opsets 9-10, deprecated in 11 for ScatterElements): ScatterElements without a reduction. */
export const scatter: OpSpec = {
  opType: "Scatter",
  summary: "deprecated ScatterElements (no reduction): same lowering and cost",
  lower(ctx: LowerCtx): Value[] {
    ctx.rejectAttr("reduction", () => false, "Scatter has no reduction; ScatterElements (opset 16+) does");
    return [lowerScatterElements(ctx)];
  },
};

import { numel } from "../../1-decode/graph.js";
import type { LowerCtx, Value } from "../lower.js";
import { int64Tensor } from "./lib/indexing.js";
import type { OpSpec } from "./op.js";

/** Size: the input's element count as a constant int64 scalar. No circuit. */
export const size: OpSpec = {
  opType: "Size",
  summary: "a compile-time constant",
  lower(ctx: LowerCtx): Value[] {
    return [{ kind: "const", t: int64Tensor([numel(ctx.shapeOf(0))], []) }];
  },
};

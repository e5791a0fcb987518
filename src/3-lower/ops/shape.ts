import type { LowerCtx, Value } from "../lower.js";
import { int64Tensor } from "./lib/indexing.js";
import type { OpSpec } from "./op.js";

/**
 * Shape: the input's dimensions as a constant int64 vector, sliced by start/end (opset 15; negative
 * counts from the end, both clamped to [0, rank]). No circuit: later ops see a compile-time constant.
 */
export const shapeOp: OpSpec = {
  opType: "Shape",
  summary: "start/end; a compile-time constant",
  lower(ctx: LowerCtx): Value[] {
    const dims = ctx.shapeOf(0);
    const r = dims.length;
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
    const start = clamp(ctx.int("start", 0));
    const end = clamp(ctx.int("end", r));
    const out = dims.slice(start, Math.max(start, end));
    return [{ kind: "const", t: int64Tensor(out, [out.length]) }];
  },
};

import type { LowerCtx, Value } from "../lower.js";
import type { LoweringOp } from "./op.js";

/**
 * Dropout at inference: the identity, and the optional mask output is a constant all-true tensor.
 * ratio (attribute before opset 12, input 1 after) and seed do not matter then. Training mode (a
 * true `training_mode` input, opset 12+, or is_test = 0 of old opsets) is random and rejected, except
 * with ratio 0, where it is the identity too. Free.
 */
export const dropout: LoweringOp = {
  opType: "Dropout",
  summary: "inference mode (mask output as a constant); free",
  lower(ctx: LowerCtx): Value[] {
    const training = ctx.input(2);
    const ratio = ctx.input(1) ? ctx.constant(1, "the dropout ratio").data[0] : ctx.float("ratio", 0.5);
    const train = training && (training.kind !== "const" || training.t.data.some((v) => v !== 0));
    if (train && ratio !== 0) {
      ctx.error(
        "unsupported-op",
        "Dropout in training mode cannot be proven",
        "export the model in eval() mode",
      );
    }
    ctx.rejectAttr(
      "is_test",
      (a) => a.type === "int" && a.value !== 0,
      "training-mode Dropout cannot be proven",
    );
    const x = ctx.required(0);
    const shape = x.kind === "const" ? x.t.shape : x.q.shape;
    const n = shape.reduce((a, b) => a * b, 1);
    const mask: Value = { kind: "const", t: { dtype: "bool", shape, data: new Float64Array(n).fill(1) } };
    return (ctx.node.outputs[1] ?? "") !== "" ? [x, mask] : [x];
  },
};

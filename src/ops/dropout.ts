import type { LowerCtx, Value } from "../3-quantize/lower.js";
import type { OpSpec } from "./op.js";

/**
 * Dropout at inference: the identity. Training mode (opset 12+: a constant true `training_mode` input;
 * older: is_test = 0) and a consumed mask output are rejected.
 */
export const dropout: OpSpec = {
  opType: "Dropout",
  summary: "inference mode only; free",
  lower(ctx: LowerCtx): Value[] {
    const training = ctx.input(2);
    if (training && (training.kind !== "const" || training.t.data.some((v) => v !== 0))) {
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
    if ((ctx.node.outputs[1] ?? "") !== "")
      ctx.error("unsupported-op", "the Dropout mask output is not supported");
    return [ctx.required(0)];
  },
};

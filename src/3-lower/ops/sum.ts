import type { LowerCtx, Value } from "../lower.js";
import { variadicInputs, weightedSum } from "./lib/elementwise.js";
import type { OpSpec } from "./op.js";

/**
 * Sum of one or more inputs with numpy broadcasting, free (one affine map). Scale: the finest input
 * scale; constant inputs are quantized at it and become the bias. One input: the input itself.
 */
export const sum: OpSpec = {
  opType: "Sum",
  summary: "variadic, numpy broadcasting (free)",
  lower(ctx: LowerCtx): Value[] {
    const { signals, consts, shape } = variadicInputs(ctx);
    const only = signals[0];
    if (only && signals.length === 1 && consts.length === 0) return [{ kind: "signal", q: only }];
    return [
      {
        kind: "signal",
        q: weightedSum(
          ctx,
          signals.map((q) => ({ q })),
          shape,
          { consts },
        ),
      },
    ];
  },
};

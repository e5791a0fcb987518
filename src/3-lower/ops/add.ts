import type { LowerCtx, Value } from "../lower.js";
import { binaryInputs, combine } from "./lib/elementwise.js";
import type { OpSpec } from "./op.js";

/**
 * Add with numpy broadcasting, free (one affine map). signal + constant: the constant is quantized at the
 * signal's scale and becomes the bias. signal + signal: both are brought to the finer scale by a constant
 * power-of-two factor, so no precision is lost (elementwise.ts weightedSum).
 */
export const add: OpSpec = {
  opType: "Add",
  summary: "numpy broadcasting; signal + constant or signal + signal (free)",
  lower(ctx: LowerCtx): Value[] {
    const { a, b, shape } = binaryInputs(ctx);
    return [
      {
        kind: "signal",
        q: combine(
          ctx,
          [
            { v: a, w: 1 },
            { v: b, w: 1 },
          ],
          shape,
        ),
      },
    ];
  },
};

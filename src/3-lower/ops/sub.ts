import type { LowerCtx, Value } from "../lower.js";
import { binaryInputs, combine } from "./lib/elementwise.js";
import type { OpSpec } from "./op.js";

/**
 * Sub: a − b with numpy broadcasting, free (one affine map, like Add). Scale: the finer of the two
 * signals' scales (a constant operand is quantized at the signal's scale).
 */
export const sub: OpSpec = {
  opType: "Sub",
  summary: "numpy broadcasting; signal − constant, constant − signal, signal − signal (free)",
  lower(ctx: LowerCtx): Value[] {
    const { a, b, shape } = binaryInputs(ctx);
    return [
      {
        kind: "signal",
        q: combine(
          ctx,
          [
            { v: a, w: 1 },
            { v: b, w: -1 },
          ],
          shape,
        ),
      },
    ];
  },
};

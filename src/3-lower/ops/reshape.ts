import type { LowerCtx, Value } from "../lower.js";
import { reshapeValue } from "./lib/reshape-like.js";
import type { OpSpec } from "./op.js";

/**
 * Reshape with a constant shape (input 1; opset < 5 used the `shape` attribute). 0 copies the input
 * dimension unless allowzero = 1; one -1 is inferred. Free (an alias).
 */
export const reshape: OpSpec = {
  opType: "Reshape",
  summary: "constant shape, 0 and -1, allowzero; free",
  lower(ctx: LowerCtx): Value[] {
    const inShape = ctx.shapeOf(0);
    const spec = ctx.input(1)
      ? Array.from(ctx.constant(1, "the target shape").data)
      : ctx.ints("shape", undefined);
    if (!spec) ctx.error("bad-onnx", "Reshape has neither a shape input nor a shape attribute");
    const allowZero = ctx.int("allowzero", 0) === 1;
    if (spec.some((d) => !Number.isInteger(d) || d < -1))
      ctx.error("bad-shape", `the target shape [${spec}] holds a value below -1`);
    if (allowZero && spec.includes(0) && spec.includes(-1))
      ctx.error("bad-shape", `with allowzero = 1 the target shape [${spec}] cannot hold both 0 and -1`);
    const shape = spec.map((d, i) =>
      d === 0 && !allowZero
        ? (inShape[i] ?? ctx.error("bad-shape", `shape[${i}] = 0 copies a dimension the input does not have`))
        : d,
    );
    const n = inShape.reduce((p, d) => p * d, 1);
    const infer = shape.filter((d) => d === -1).length;
    if (infer > 1) ctx.error("bad-shape", `the target shape [${spec}] has more than one -1`);
    if (infer === 1) {
      const known = shape.reduce((p, d) => (d === -1 ? p : p * d), 1);
      if (known === 0 || n % known !== 0) ctx.error("bad-shape", `cannot reshape [${inShape}] to [${spec}]`);
      shape[shape.indexOf(-1)] = n / known;
    }
    return [reshapeValue(ctx, shape)];
  },
};

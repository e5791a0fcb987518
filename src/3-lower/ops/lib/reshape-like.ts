import type { LowerCtx, Value } from "../../lower.js";

/** Give input 0 a new shape: constants are re-shaped, signals aliased (no circuit cost either way). */
export function reshapeValue(ctx: LowerCtx, shape: number[]): Value {
  const v = ctx.required(0);
  if (v.kind === "const") {
    const n = v.t.data.length;
    if (shape.reduce((p, d) => p * d, 1) !== n)
      ctx.error("bad-shape", `cannot reshape [${v.t.shape}] to [${shape}]`);
    return { kind: "const", t: { ...v.t, shape } };
  }
  return { kind: "signal", q: ctx.alias(v.q, shape) };
}

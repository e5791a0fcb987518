import type { LowerCtx, Value } from "../lower.js";
import { contract } from "./lib/contract.js";
import type { OpSpec } from "./op.js";

/**
 * MatMul with numpy semantics: 1-D operands get a dimension prepended (A) or appended (B) that is removed
 * from the result; leading batch dimensions broadcast. Lowered as a contraction (contract.ts):
 * - signal × constant (either order, the constant may be batched): free; scale s_signal + s_param;
 * - signal × signal: M·K·N constraints per batch (one per distinct product), free sums; scale s_a + s_b,
 *   a factor above the working scale rescaled first when the sum would exceed 2·ws.
 */
export const matmul: OpSpec = {
  opType: "MatMul",
  summary: "numpy semantics, batch broadcasting; × constant free, signal × signal 1 constraint per product",
  lower(ctx: LowerCtx): Value[] {
    const [a, b] = [0, 1].map((i) => operand(ctx, i)) as [Value, Value];
    const ra = ctx.shapeOf(0).length;
    const rb = ctx.shapeOf(1).length;
    if (ra === 0 || rb === 0) ctx.error("bad-shape", "MatMul operands must have at least one dimension");
    const batch = Math.max(ra, rb) - 2;
    // batch labels aligned from the right: "b0" is the batch dimension next to the matrix dimensions
    const batchLabels = (rank: number) =>
      Array.from({ length: Math.max(0, rank - 2) }, (_, d) => `b${rank - 3 - d}`);
    const la = ra === 1 ? ["k"] : [...batchLabels(ra), "m", "k"];
    const lb = rb === 1 ? ["k"] : [...batchLabels(rb), "k", "n"];
    const kA = ctx.shapeOf(0).at(-1);
    const kB = rb === 1 ? ctx.shapeOf(1)[0] : ctx.shapeOf(1).at(-2);
    if (kA !== kB)
      ctx.error("bad-shape", `inner dimensions differ: [${ctx.shapeOf(0)}] × [${ctx.shapeOf(1)}]`);
    const out = [
      ...Array.from({ length: Math.max(0, batch) }, (_, d) => `b${batch - 1 - d}`),
      ...(ra === 1 ? [] : ["m"]),
      ...(rb === 1 ? [] : ["n"]),
    ];
    return [
      contract(
        ctx,
        [
          { v: a, labels: la },
          { v: b, labels: lb },
        ],
        out,
      ),
    ];
  },
};

/** Input i as a value, signals through ctx.signal (which narrows very wide ones). */
export function operand(ctx: LowerCtx, i: number): Value {
  const v = ctx.required(i);
  return v.kind === "signal" ? { kind: "signal", q: ctx.signal(i) } : v;
}

import type { QTensor } from "../3-quantize/ir.js";
import type { LowerCtx, Value } from "../3-quantize/lower.js";
import { broadcastIndex, broadcastShapes } from "./broadcast.js";
import type { OpSpec } from "./op.js";

/**
 * Add with numpy broadcasting. signal + constant: the constant is quantized at the signal's scale and
 * becomes the affine bias. signal + signal: both are brought to the finer scale by a constant power-of-two
 * factor (free), so no precision is lost. Either way it costs no constraint.
 */
export const add: OpSpec = {
  opType: "Add",
  summary: "numpy broadcasting; signal + constant or signal + signal",
  lower(ctx: LowerCtx): Value[] {
    const a = ctx.required(0);
    const b = ctx.required(1);
    if (a.kind === "const" && b.kind === "const") {
      ctx.error(
        "unsupported-op",
        "both operands are constants (constant folding of Add is not supported yet)",
      );
    }
    const outShape = broadcastShapes(ctx.shapeOf(0), ctx.shapeOf(1));
    if (!outShape)
      ctx.error("bad-shape", `shapes [${ctx.shapeOf(0)}] and [${ctx.shapeOf(1)}] do not broadcast`);
    const n = outShape.reduce((p, d) => p * d, 1);
    const signals: QTensor[] = [];
    if (a.kind === "signal") signals.push(ctx.signal(0));
    if (b.kind === "signal") signals.push(ctx.signal(1));
    const scale = Math.max(...signals.map((q) => q.scale));

    const rows = Array.from({ length: n }, () => ({ idx: new Int32Array(0), coef: [] as bigint[] }));
    let offset = 0;
    for (const q of signals) {
      const src = broadcastIndex(outShape, q.shape);
      const f = 1n << BigInt(scale - q.scale);
      rows.forEach((r, i) => {
        r.idx = Int32Array.from([...r.idx, offset + (src[i] as number)]);
        r.coef.push(f);
      });
      offset += q.lo.length;
    }
    let bias = new Array<bigint>(n).fill(0n);
    const extraErr = new Float64Array(n);
    const ci = a.kind === "const" ? 0 : b.kind === "const" ? 1 : -1;
    if (ci >= 0) {
      const c = ctx.constant(ci, "the addend");
      const cq = ctx.quantize(c, scale, "the addend");
      const src = broadcastIndex(outShape, c.shape);
      bias = Array.from(src, (j) => cq.q[j] as bigint);
      src.forEach((j, i) => {
        extraErr[i] = cq.err[j] as number;
      });
    }
    const y = ctx.affine(ctx.node.outputs[0] ?? "", outShape, signals, rows, bias, scale, extraErr);
    return [{ kind: "signal", q: y }];
  },
};

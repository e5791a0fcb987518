import type { ConstTensor } from "../../1-decode/graph.js";
import type { QTensor } from "../ir.js";
import type { LowerCtx, Value } from "../lower.js";
import { max as maxPrim } from "../prims/max.js";
import { constSignal, scalarTensor, toScale, weightedSum } from "./lib/elementwise.js";
import type { OpSpec } from "./op.js";

/**
 * Clip: min(max(x, lo), hi). The bounds are inputs 1 and 2 (opset >= 11, constants or signals, either
 * absent) or the attributes min/max (opset < 11). Each applied bound is one Max2 per element (the
 * difference's width + 1 constraints, the max prim); a constant bound the input provably respects costs
 * nothing. A constant bound is quantized at x's scale (its rounding error joins the error bound); signal
 * bounds and x are aligned to the finest scale (free). lo > hi gives hi everywhere, as ONNX specifies.
 */
export const clip: OpSpec = {
  opType: "Clip",
  summary: "min/max as inputs (constant or signal) or attributes; one Max2 per applied bound",
  lower(ctx: LowerCtx): Value[] {
    let x = ctx.signal(0);
    const lo = bound(ctx, 1, "min");
    const hi = bound(ctx, 2, "max");
    // signal bounds and x meet at the finest of their scales
    x = toScale(ctx, x, Math.max(x.scale, ...[lo, hi].map((v) => (v?.kind === "signal" ? v.q.scale : 0))));
    if (lo) x = clampSide(ctx, x, lo, 1);
    if (hi) x = clampSide(ctx, x, hi, -1);
    return [{ kind: "signal", q: x }];
  },
};

/** Bound input i, or the opset < 11 attribute; undefined when absent. */
function bound(ctx: LowerCtx, i: number, attr: string): Value | undefined {
  const v = ctx.input(i);
  if (v) {
    const n = v.kind === "const" ? v.t.data.length : v.q.lo.length;
    if (n !== 1) ctx.error("bad-shape", `${attr} (input ${i}) must be a scalar, got ${n} elements`);
    return v.kind === "signal" ? { kind: "signal", q: ctx.signal(i) } : v;
  }
  const a = ctx.float(attr, Number.NaN);
  return Number.isNaN(a) || !Number.isFinite(a) || Math.abs(a) >= 3.4e38
    ? undefined
    : { kind: "const", t: scalarTensor(a) };
}

/** max(x, b) (dir 1) or min(x, b) (dir −1 = −max(−x, −b)) against a scalar bound. */
function clampSide(ctx: LowerCtx, x: QTensor, b: Value, dir: 1 | -1): QTensor {
  const n = x.lo.length;
  const name = ctx.node.outputs[0] ?? "";
  let c: QTensor;
  if (b.kind === "const") {
    const t: ConstTensor = { ...b.t, shape: [], data: Float64Array.of((b.t.data[0] as number) * dir) };
    const q = ctx.quantize(t, x.scale, dir === 1 ? "min" : "max").q[0] as bigint;
    // Already within the bound everywhere: nothing to do.
    if (dir === 1 ? x.lo.every((l) => l >= q) : x.hi.every((h) => -h >= q)) return x;
    c = constSignal(ctx, t, x.scale, [1], dir === 1 ? "min" : "max");
  } else {
    c = weightedSum(ctx, [{ q: b.q, w: dir }], [1], { minScale: x.scale });
  }
  const arg = dir === 1 ? x : weightedSum(ctx, [{ q: x, w: -1 }], x.shape);
  const rows = Array.from({ length: n }, (_, i) => Int32Array.of(i, n));
  const m = maxPrim(ctx, [arg, c], rows, x.shape, name);
  return dir === 1 ? m : weightedSum(ctx, [{ q: m, w: -1 }], x.shape);
}

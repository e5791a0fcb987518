import type { ConstTensor } from "../../1-decode/graph.js";
import { numel } from "../../1-decode/graph.js";
import type { AffinePrim, QTensor } from "../ir.js";
import type { LowerCtx, Value } from "../lower.js";
import { normAxis } from "./lib/indexing.js";
import type { OpSpec } from "./op.js";

/**
 * Concat along `axis` (negative counts from the end; opsets < 4 default to 1). Inputs may mix signals
 * and constants, and signals at different scales: the output takes the finest signal scale S, a
 * signal at scale s is wired with coefficient 2^(S − s) (exact), a constant is a bias quantized at S
 * (its rounding in the error bound). Free: one affine map, or an alias when a single signal is the
 * whole output.
 */
export const concat: OpSpec = {
  opType: "Concat",
  summary: "axis, mixed signals/constants/scales; free",
  lower(ctx: LowerCtx): Value[] {
    const parts = Array.from({ length: ctx.inputCount }, (_, i) => ctx.input(i)).filter(
      (v): v is Value => v !== undefined,
    );
    const first = parts[0] ?? ctx.error("bad-onnx", "Concat needs at least one input");
    const rank = (first.kind === "const" ? first.t.shape : first.q.shape).length;
    const axis = normAxis(ctx, ctx.int("axis", 1), rank);
    const shapes = parts.map((v) => (v.kind === "const" ? v.t.shape : v.q.shape));
    const shape = [...(shapes[0] as number[])];
    shape[axis] = 0;
    for (const s of shapes) {
      if (s.length !== rank || s.some((d, k) => k !== axis && d !== shape[k]))
        ctx.error(
          "bad-shape",
          `cannot concatenate ${shapes.map((x) => `[${x}]`).join(", ")} on axis ${axis}`,
        );
      shape[axis] = (shape[axis] as number) + (s[axis] as number);
    }
    const signals = parts.flatMap((v) => (v.kind === "signal" ? [v.q] : []));
    if (signals.length === 0) ctx.error("bug", "an all-constant Concat should have been folded");
    if (parts.length === 1) return [first];
    const scale = Math.max(...signals.map((q) => q.scale));

    // The concatenation of the distinct signal tensors is the affine map's input.
    const offset = new Map<number, number>();
    const ins: QTensor[] = [];
    let total = 0;
    for (const q of signals) {
      if (offset.has(q.id)) continue;
      offset.set(q.id, total);
      ins.push(q);
      total += q.lo.length;
    }
    const n = numel(shape);
    const rows: AffinePrim["rows"] = new Array(n);
    const bias = new Array<bigint>(n).fill(0n);
    const extra = new Float64Array(n);
    const outer = numel(shape.slice(0, axis));
    const inner = numel(shape.slice(axis + 1));
    const outAxis = shape[axis] as number;
    let start = 0;
    for (const v of parts) {
      const len = (v.kind === "const" ? v.t.shape : v.q.shape)[axis] as number;
      const c =
        v.kind === "const" ? ctx.quantize(v.t as ConstTensor, scale, "a constant Concat input") : undefined;
      const coef = v.kind === "signal" ? 1n << BigInt(scale - v.q.scale) : 0n;
      const base = v.kind === "signal" ? (offset.get(v.q.id) as number) : 0;
      for (let o = 0; o < outer; o++) {
        for (let a = 0; a < len; a++) {
          for (let i = 0; i < inner; i++) {
            const src = (o * len + a) * inner + i;
            const dst = (o * outAxis + start + a) * inner + i;
            if (c) {
              rows[dst] = { idx: new Int32Array(0), coef: [] };
              bias[dst] = c.q[src] as bigint;
              extra[dst] = c.err[src] as number;
            } else {
              rows[dst] = { idx: Int32Array.of(base + src), coef: [coef] };
            }
          }
        }
      }
      start += len;
    }
    return [
      { kind: "signal", q: ctx.affine(ctx.node.outputs[0] ?? "", shape, ins, rows, bias, scale, extra) },
    ];
  },
};

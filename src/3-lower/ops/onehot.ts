import type { LowerCtx, Value } from "../lower.js";
import { exactScale } from "./lib/elementwise.js";
import { mapIndex, normAxis } from "./lib/indexing.js";
import { chooseOrNone } from "./lib/select.js";
import type { OpSpec } from "./op.js";

/**
 * OneHot(indices, depth, values = [off, on], axis = -1): a new axis of length depth at `axis` holding on
 * at the index's position and off elsewhere; negative indices count from the end (at every opset, as
 * onnxruntime does), and an index outside [−depth, depth) gives all off (ONNX spec). depth and values
 * must be constants. Real-valued indices are compared with the positions exactly, as onnxruntime does
 * (the spec's cast to int64 would truncate 2.5 to 2; onnxruntime selects nothing). out = off + (on −
 * off)·e: linear in the indicators (select.ts chooseOrNone: a one-hot over the index's proven range, or
 * equality tests per valid candidate when that range is much wider than depth or the index is real).
 * Scale: the values' exact scale up to the working scale.
 */
export const oneHotOp: OpSpec = {
  opType: "OneHot",
  summary:
    "constant depth and values; linear in a one-hot of the index's K proven values (K − 2), or 2 per valid candidate",
  lower(ctx: LowerCtx): Value[] {
    const depthT = ctx.constant(1, "the OneHot depth");
    const values = ctx.constant(2, "the OneHot values");
    if (depthT.data.length !== 1) ctx.error("bad-shape", `depth must hold one value, got [${depthT.shape}]`);
    if (values.data.length !== 2) ctx.error("bad-shape", `values must hold [off, on], got [${values.shape}]`);
    const depth = Math.trunc(depthT.data[0] as number);
    if (!(depth >= 1)) ctx.error("bad-onnx", `depth ${depthT.data[0]} must be positive`);
    const v = ctx.required(0);
    if (v.kind !== "signal") return ctx.error("bug", "OneHot indices are not a signal");
    const j = v.q;
    const axis = normAxis(ctx, ctx.int("axis", -1), j.shape.length + 1);
    const shape = [...j.shape.slice(0, axis), depth, ...j.shape.slice(axis)];
    const ch = chooseOrNone(ctx, j, depth);
    const S = exactScale(values.data, ctx.workScale);
    const { q, err } = ctx.quantize(values, S, "the OneHot values");
    const [off, on] = q as [bigint, bigint];
    const [offErr, onErr] = err as unknown as [number, number];
    const inner = j.shape.slice(axis).reduce((a, b) => a * b, 1);
    const at: number[] = [];
    const rows = Array.from(
      mapIndex(shape, (idx) => {
        const c = idx[axis] as number;
        const i = Math.floor(at.length / (depth * inner)) * inner + (at.length % inner);
        at.push(i);
        return c;
      }),
      (c, o) => {
        const ks = ch.pos[at[o] as number]?.get(c) ?? [];
        return { idx: Int32Array.from(ks), coef: ks.map(() => on - off) };
      },
    );
    const n = rows.length;
    const name = ctx.node.outputs[0] ?? "";
    if (rows.every((r) => r.idx.length === 0)) {
      // No index can reach [−depth, depth): the output is all off whatever the input.
      const data = new Float64Array(n).fill(values.data[0] as number);
      return [{ kind: "const", t: { dtype: values.dtype, shape, data } }];
    }
    const out = ctx.affine(name, shape, ch.ins, rows, new Array<bigint>(n).fill(off), S);
    const [lo, hi] = off < on ? [off, on] : [on, off];
    const swing = Math.abs(Number(on - off)) / 2 ** S;
    rows.forEach((r, o) => {
      const reachable = r.idx.length > 0;
      out.lo[o] = reachable ? lo : off;
      out.hi[o] = reachable ? hi : off;
      // An index with error may be another position in exact arithmetic: any output may flip.
      const flips = (j.err[at[o] as number] as number) > 0;
      out.err[o] = (reachable || flips ? Math.max(offErr, onErr) : offErr) + (flips ? swing : 0);
    });
    return [{ kind: "signal", q: out }];
  },
};

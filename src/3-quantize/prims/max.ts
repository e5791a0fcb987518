import type { MaxPrim, QTensor } from "../ir.js";
import type { LowerCtx } from "../lower.js";
import { bitsSigned } from "../rounding.js";

/**
 * out[i] = max of the elements rows[i] of the concatenation of `ins` (all at one scale). Each of the
 * k−1 comparisons costs its difference's width + 1 constraints (circuits/max.circom). max is
 * 1-Lipschitz, so the error bound is the largest input error.
 */
export function max(
  ctx: LowerCtx,
  ins: QTensor[],
  rows: Int32Array[],
  shape: number[],
  onnxName = ctx.node.outputs[0] ?? "",
): QTensor {
  const scale = ins[0]?.scale ?? ctx.workScale;
  if (ins.some((q) => q.scale !== scale)) ctx.error("bug", "max inputs must share a scale");
  const src: { q: QTensor; j: number }[] = [];
  for (const q of ins) for (let j = 0; j < q.lo.length; j++) src.push({ q, j });
  const at = (t: number) => src[t] ?? ctx.error("bug", "max index out of range");
  const lo: bigint[] = [];
  const hi: bigint[] = [];
  const err = new Float64Array(rows.length);
  const bits = rows.map((row, i) => {
    if (row.length === 0) ctx.error("bug", "max over no elements");
    const first = at(row[0] as number);
    let l = first.q.lo[first.j] as bigint;
    let h = first.q.hi[first.j] as bigint;
    let e = first.q.err[first.j] as number;
    const widths: number[] = [];
    for (let t = 1; t < row.length; t++) {
      const s = at(row[t] as number);
      const sl = s.q.lo[s.j] as bigint;
      const sh = s.q.hi[s.j] as bigint;
      widths.push(Math.max(2, bitsSigned(l - sh, h - sl)));
      l = sl > l ? sl : l;
      h = sh > h ? sh : h;
      e = Math.max(e, s.q.err[s.j] as number);
    }
    lo.push(l);
    hi.push(h);
    err[i] = e;
    return widths;
  });
  const prim: Omit<MaxPrim, "out"> = { kind: "max", ins: ins.map((q) => q.id), rows, bits };
  return ctx.addPrim(prim, { onnxName, shape, scale, lo, hi, err });
}

export function evaluateMax(p: MaxPrim, vals: bigint[][]): bigint[] {
  const x = p.ins.flatMap((id) => vals[id] as bigint[]);
  return p.rows.map((row) => Array.from(row, (t) => x[t] as bigint).reduce((m, v) => (v > m ? v : m)));
}

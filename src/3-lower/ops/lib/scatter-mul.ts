import { LowerCtx, type Value } from "../../lower.js";
import { multiply } from "../mul.js";
import { exactScale, scalarTensor } from "./elementwise.js";
import { affineRefs, type Ref } from "./select.js";

/**
 * Scatter reduction mul with constant indices (scatter-core.ts; writes[q]: the update elements written to
 * data element q): out = data · Π updates per written element. The signal factors multiply in waves (the
 * w-th factor of every element that has one, as Mul does: 1 constraint per product, a factor above the
 * working scale rescaled first); the constant factors fold into one coefficient (free). The output takes
 * the finest resulting scale, coarser elements shifted up to it (free).
 */
export function scatterMul(
  ctx: LowerCtx,
  dataV: Value,
  updV: Value,
  writes: number[][],
  shape: number[],
): Value {
  const name = ctx.node.outputs[0] ?? "";
  const dq = dataV.kind === "signal" ? dataV.q : undefined;
  const uq = updV.kind === "signal" ? updV.q : undefined;
  if (!dq && !uq) return ctx.error("bug", "an all-constant scatter should have been folded");
  const real = (v: Value, i: number) => (v.kind === "const" ? (v.t.data[i] as number) : 1);
  const touched = writes.flatMap((w, q) => (w.length > 0 ? [q] : []));
  const cst = new Map(
    touched.map((q) => [q, (writes[q] as number[]).reduce((a, u) => a * real(updV, u), real(dataV, q))]),
  );
  const factors = (q: number): Ref[] => [
    ...(dq ? [{ q: dq, j: q, c: 1n }] : []),
    ...(uq ? (writes[q] as number[]).map((u) => ({ q: uq, j: u, c: 1n })) : []),
  ];
  const acc = new Map(touched.map((q) => [q, factors(q)[0] as Ref]));
  for (let w = 1; ; w++) {
    const qs = touched.filter((q) => factors(q).length > w);
    if (qs.length === 0) break;
    const zeros = new Array<bigint>(qs.length).fill(0n);
    const pick = (rs: Ref[]) => {
      const scale = (rs[0] as Ref).q.scale;
      return affineRefs(
        ctx,
        `${name}/factor${w}`,
        [qs.length],
        rs.map((r) => [r]),
        zeros,
        scale,
      );
    };
    const a = pick(qs.map((q) => acc.get(q) as Ref));
    const b = pick(qs.map((q) => factors(q)[w] as Ref));
    const p = multiply(ctx, a, b, [qs.length], `${name}/product${w}`);
    qs.forEach((q, i) => {
      acc.set(q, { q: p, j: i, c: 1n });
    });
  }
  const ec = exactScale([...cst.values()], ctx.scales.paramScale);
  const untouchedScale = dataV.kind === "signal" ? dataV.q.scale : exactScale(dataV.t.data, ctx.workScale);
  const S = Math.max(untouchedScale, ...[...acc.values()].map((r) => r.q.scale + ec));
  const n = writes.length;
  const rows: Ref[][] = [];
  const bias = new Array<bigint>(n).fill(0n);
  const extra = new Float64Array(n);
  for (let q = 0; q < n; q++) {
    const r = acc.get(q);
    if (r) {
      const { q: c, err } = ctx.quantize(
        scalarTensor(cst.get(q) as number),
        S - r.q.scale,
        "a constant factor",
      );
      rows.push([{ ...r, c: c[0] as bigint }]);
      extra[q] = (err[0] as number) * LowerCtx.magnitude(r.q, r.j);
    } else if (dq) rows.push([{ q: dq, j: q, c: 1n << BigInt(S - dq.scale) }]);
    else {
      const { q: c, err } = ctx.quantize(scalarTensor(real(dataV, q)), S, "the scattered data");
      rows.push([]);
      bias[q] = c[0] as bigint;
      extra[q] = err[0] as number;
    }
  }
  return { kind: "signal", q: affineRefs(ctx, name, shape, rows, bias, S, extra) };
}

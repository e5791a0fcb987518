import type { QTensor } from "../../ir.js";
import type { LowerCtx, Value } from "../../lower.js";
import { negate } from "../../prims/basic.js";
import { cmp } from "../../prims/cmp.js";
import { max } from "../../prims/max.js";
import { axisRows, normalizeAxis } from "./reduce-axes.js";

/**
 * ArgMax (dir 1) / ArgMin (dir −1, on −x, free) along `axis`, as a scale-0 signal. Per output, over the
 * K elements in scan order (reversed for select_last_index): the prefix maxima r_t = max(r_{t−1}, x_t)
 * (K − 1 Max2, the only maxima needed: m = r_{K−1} is the row max), then z_t = [r_t = m] for t < K − 1
 * (IsZero, 2 each). r is non-decreasing, so the first t with r_t = m is the first index holding the max:
 * first = Σ_t (1 − z_t), and the last index is Σ_t z'_t over the reversed scan. Both are fixed by the
 * proven maxima and zero tests: the index is unique, ties resolved as the spec says.
 * Cost per output: Σ (width_t + 1) over the K − 1 Max2, + 2·(K − 1).
 */
export function argExtremum(ctx: LowerCtx, dir: 1 | -1): Value[] {
  const x0 = ctx.signal(0);
  const rank = x0.shape.length;
  const axis = normalizeAxis(ctx, ctx.int("axis", 0), rank);
  const keepdims = flag(ctx, "keepdims", 1);
  const last = flag(ctx, "select_last_index", 0);
  const { rows, k } = axisRows(x0.shape, axis);
  const shape = keepdims
    ? x0.shape.map((d, i) => (i === axis ? 1 : d))
    : x0.shape.filter((_, i) => i !== axis);
  if (k === 0) ctx.error("bad-shape", `axis ${axis} of [${x0.shape}] is empty`);
  const n = rows.length;
  if (k === 1) return [{ kind: "const", t: { dtype: "int64", shape, data: new Float64Array(n) } }];
  const name = ctx.node.outputs[0] ?? "";
  const x = dir === 1 ? x0 : negate(ctx, x0, `${name}/neg`);
  const order = last ? rows.map((r) => r.slice().reverse()) : rows;
  const at = (t: number) => Int32Array.from(order, (r) => r[t] as number);
  // Prefix maxima: prefix[t] holds r_t (t >= 1) for every output row.
  const prefix: QTensor[] = [];
  for (let t = 1; t < k; t++) {
    const prev = prefix[t - 2];
    const cur = at(t);
    const rowsT = prev
      ? Array.from(cur, (j, i) => Int32Array.of(i, n + j))
      : Array.from(cur, (j, i) => Int32Array.of(at(0)[i] as number, j));
    prefix.push(max(ctx, prev ? [prev, x] : [x], rowsT, [n], `${name}/prefixmax${t}`));
  }
  // gap[t·n + i] = r_t − r_{K−1} for t < K − 1 (r_0: x at the first scanned position), over the
  // concatenation [x, r_1, ..., r_{K−1}]: one zero test each.
  const ins = [x, ...prefix];
  const offsets = ins.map((_, q) => ins.slice(0, q).reduce((s, t) => s + t.lo.length, 0));
  const top = offsets[k - 1] as number;
  const first = at(0);
  const gapRows = Array.from({ length: (k - 1) * n }, (_, f) => {
    const t = Math.floor(f / n);
    const i = f % n;
    const src = t === 0 ? (first[i] as number) : (offsets[t] as number) + i;
    return { idx: Int32Array.of(src, top + i), coef: [1n, -1n] };
  });
  const gap = ctx.affine(
    `${name}/gap`,
    [(k - 1) * n],
    ins,
    gapRows,
    new Array((k - 1) * n).fill(0n),
    x.scale,
  );
  const z = cmp(ctx, gap, "zero", gap.shape, `${name}/ismax`);
  const idxRows = Array.from({ length: n }, (_, i) => ({
    idx: Int32Array.from({ length: k - 1 }, (_, t) => t * n + i),
    coef: new Array<bigint>(k - 1).fill(last ? 1n : -1n),
  }));
  const out = ctx.affine(name, shape, [z], idxRows, new Array(n).fill(last ? 0n : BigInt(k - 1)), 0);
  // An input error can move the maximum to another index.
  rows.forEach((r, i) => {
    out.err[i] = r.some((j) => (x.err[j] as number) > 0) ? k - 1 : 0;
  });
  return [{ kind: "signal", q: out }];
}

function flag(ctx: LowerCtx, name: string, def: 0 | 1): boolean {
  const v = ctx.int(name, def);
  if (v !== 0 && v !== 1) ctx.error("bad-attribute", `attribute ${name}=${v} must be 0 or 1`);
  return v === 1;
}

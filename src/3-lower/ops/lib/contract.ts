import type { ConstTensor } from "../../../1-decode/graph.js";
import { numel } from "../../../1-decode/graph.js";
import type { AffinePrim, QTensor } from "../../ir.js";
import { LowerCtx, type Value } from "../../lower.js";
import { productOperands, products } from "./products.js";

/**
 * Tensor contraction (the engine behind Einsum, MatMul and Gemm): operands whose dimensions carry labels,
 * summed over every label missing from the output. Per pair of operands:
 * - constant × constant: evaluated at compile time;
 * - signal × constant: free, one affine map with the constant quantized at the param scale (output scale
 *   s_x + s_param; the constant's rounding error times |x| joins the error bound);
 * - signal × signal: one mul-prim constraint per distinct product (a factor above the working scale is
 *   rescaled first when the product's scale would exceed 2·ws), then free sums; scale s_a + s_b.
 * Before any product, labels that only one operand carries and the output does not are summed out (free),
 * so "ij,kl->" costs one product, not |i|·|j|·|k|·|l|. Three or more operands contract left to right.
 * Dimensions of size 1 broadcast against the label's size elsewhere (MatMul batch dims).
 */
export interface Operand {
  v: Value;
  labels: string[];
}

interface Arr {
  v: Value;
  labels: string[];
  shape: number[];
}

export function contract(
  ctx: LowerCtx,
  operands: Operand[],
  out: string[],
  name = ctx.node.outputs[0] ?? "",
): Value {
  const size = labelSizes(ctx, operands);
  let arrs = operands.map((o, i) =>
    diagonal(ctx, { v: o.v, labels: o.labels, shape: shapeOf(o.v) }, `${name}/diag${i}`),
  );
  arrs = arrs.map((a, i) => {
    const elsewhere = new Set([...out, ...arrs.flatMap((b, j) => (j === i ? [] : b.labels))]);
    return reduce(
      ctx,
      a,
      a.labels.filter((l) => elsewhere.has(l)),
      size,
      `${name}/sum${i}`,
    );
  });
  let acc = arrs[0] ?? ctx.error("bug", "a contraction needs an operand");
  for (let j = 1; j < arrs.length; j++) {
    const later = new Set([...out, ...arrs.slice(j + 1).flatMap((b) => b.labels)]);
    const have = new Set([...acc.labels, ...(arrs[j] as Arr).labels]);
    const keep = [
      ...out.filter((l) => have.has(l)),
      ...[...have].filter((l) => later.has(l) && !out.includes(l)),
    ];
    acc = pair(ctx, acc, arrs[j] as Arr, keep, size, j === arrs.length - 1 ? name : `${name}/step${j}`);
  }
  acc = reduce(
    ctx,
    acc,
    acc.labels.filter((l) => out.includes(l)),
    size,
    `${name}/sum`,
  );
  return arrange(ctx, acc, out, size, name);
}

function shapeOf(v: Value): number[] {
  return v.kind === "const" ? v.t.shape : v.q.shape;
}

/** Each label's size; a dimension of 1 broadcasts against a larger one, other mismatches are errors. */
function labelSizes(ctx: LowerCtx, operands: Operand[]): Map<string, number> {
  const size = new Map<string, number>();
  for (const o of operands) {
    const shape = shapeOf(o.v);
    if (shape.length !== o.labels.length)
      ctx.error("bad-shape", `an operand of rank ${shape.length} is given ${o.labels.length} subscripts`);
    o.labels.forEach((l, d) => {
      const n = shape[d] as number;
      const s = size.get(l);
      if (s === undefined || s === 1) size.set(l, n);
      else if (n !== s && n !== 1) ctx.error("bad-shape", `dimension "${l}" has sizes ${s} and ${n}`);
    });
  }
  return size;
}

/** Row-major flat index of each label's value in `a` (size-1 dimensions broadcast: stride 0). */
function indexer(a: Arr, labels: string[]): (vals: number[]) => number {
  const strides: number[] = new Array(a.shape.length);
  let s = 1;
  for (let d = a.shape.length - 1; d >= 0; d--) {
    strides[d] = a.shape[d] === 1 ? 0 : s;
    s *= a.shape[d] as number;
  }
  const pos = a.labels.map((l) => labels.indexOf(l));
  return (vals) => {
    let f = 0;
    for (let d = 0; d < pos.length; d++) f += (vals[pos[d] as number] ?? 0) * (strides[d] as number);
    return f;
  };
}

/** Calls f with every combination of values of `labels` (row-major) and its running index. */
function forEachIndex(
  labels: string[],
  size: Map<string, number>,
  f: (vals: number[], i: number) => void,
): void {
  const dims = labels.map((l) => size.get(l) ?? 1);
  const n = numel(dims);
  const vals: number[] = new Array(labels.length).fill(0);
  for (let i = 0; i < n; i++) {
    f(vals, i);
    for (let d = labels.length - 1; d >= 0; d--) {
      vals[d] = (vals[d] as number) + 1;
      if ((vals[d] as number) < (dims[d] as number)) break;
      vals[d] = 0;
    }
  }
}

/** A repeated label within one operand ("ii") takes the diagonal (free wiring). */
function diagonal(ctx: LowerCtx, a: Arr, name: string): Arr {
  const labels = [...new Set(a.labels)];
  if (labels.length === a.labels.length) return a;
  const dims = new Map<string, number>();
  a.labels.forEach((l, d) => {
    const n = a.shape[d] as number;
    if (dims.has(l) && dims.get(l) !== n) ctx.error("bad-shape", `the diagonal "${l}${l}" needs equal sizes`);
    dims.set(l, n);
  });
  const shape = labels.map((l) => dims.get(l) as number);
  const strides: number[] = new Array(a.shape.length);
  let s = 1;
  for (let d = a.shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= a.shape[d] as number;
  }
  const src = new Int32Array(numel(shape));
  forEachIndex(labels, dims, (vals, i) => {
    src[i] = a.labels.reduce(
      (f, l, d) => f + (vals[labels.indexOf(l)] as number) * (strides[d] as number),
      0,
    );
  });
  return { v: take(ctx, a.v, src, shape, name), labels, shape };
}

/** Elements src of a value, as a new tensor of `shape` (wiring for signals). */
function take(ctx: LowerCtx, v: Value, src: Int32Array, shape: number[], name: string): Value {
  if (v.kind === "signal") return { kind: "signal", q: ctx.gather([v.q], src, shape, name) };
  return {
    kind: "const",
    t: { dtype: "float64", shape, data: Float64Array.from(src, (j) => v.t.data[j] as number) },
  };
}

/** Sum out every label of `a` not in `keep` (free for signals). */
function reduce(ctx: LowerCtx, a: Arr, keep: string[], size: Map<string, number>, name: string): Arr {
  if (keep.length === a.labels.length) return a;
  const kept = a.labels.filter((l) => keep.includes(l));
  const gone = a.labels.filter((l) => !keep.includes(l));
  const shape = kept.map((l) => size.get(l) ?? 1);
  const idx = indexer(a, [...kept, ...gone]);
  const rows: number[][] = [];
  forEachIndex(kept, size, (kv) => {
    const row: number[] = [];
    forEachIndex(gone, size, (gv) => row.push(idx([...kv, ...gv])));
    rows.push(row);
  });
  const v = a.v;
  if (v.kind === "const") {
    const data = Float64Array.from(rows, (row) => row.reduce((s, j) => s + (v.t.data[j] as number), 0));
    return { v: { kind: "const", t: { dtype: "float64", shape, data } }, labels: kept, shape };
  }
  const q = ctx.affine(
    name,
    shape,
    [v.q],
    rows.map((row) => ({ idx: Int32Array.from(row), coef: row.map(() => 1n) })),
    new Array(rows.length).fill(0n),
    v.q.scale,
  );
  return { v: { kind: "signal", q }, labels: kept, shape };
}

/** Contract two operands over every label not in `keep`; the result's labels are `keep` in order. */
function pair(ctx: LowerCtx, x: Arr, y: Arr, keep: string[], size: Map<string, number>, name: string): Arr {
  const have = new Set([...x.labels, ...y.labels]);
  const res = keep.filter((l) => have.has(l));
  const sum = [...have].filter((l) => !res.includes(l));
  const shape = res.map((l) => size.get(l) ?? 1);
  const all = [...res, ...sum];
  ctx.checkTerms(
    all.reduce((n, l) => n * (size.get(l) ?? 1), 1),
    "the product",
  );
  const ix = indexer(x, all);
  const iy = indexer(y, all);
  // per output element, the (x, y) element pairs it sums
  const terms: [number, number][][] = [];
  forEachIndex(res, size, (rv) => {
    const row: [number, number][] = [];
    forEachIndex(sum, size, (sv) => {
      const vals = [...rv, ...sv];
      row.push([ix(vals), iy(vals)]);
    });
    terms.push(row);
  });
  const xv = x.v;
  const yv = y.v;
  let v: Value;
  if (xv.kind === "const" && yv.kind === "const") {
    const data = Float64Array.from(terms, (row) =>
      row.reduce((s, [i, j]) => s + (xv.t.data[i] as number) * (yv.t.data[j] as number), 0),
    );
    v = { kind: "const", t: { dtype: "float64", shape, data } };
  } else if (xv.kind === "signal" && yv.kind === "signal") {
    v = { kind: "signal", q: signalProducts(ctx, xv.q, yv.q, terms, shape, name) };
  } else {
    const [q, c, swap] =
      xv.kind === "signal"
        ? [xv.q, (yv as { t: ConstTensor }).t, false]
        : [(yv as { q: QTensor }).q, (xv as { t: ConstTensor }).t, true];
    v = {
      kind: "signal",
      q: weighted(ctx, q, c, swap ? terms.map((row) => row.map(([i, j]) => [j, i])) : terms, shape, name),
    };
  }
  return { v, labels: res, shape };
}

/** Σ_t c[j_t]·x[i_t] per output: free, the constant at the param scale. */
function weighted(
  ctx: LowerCtx,
  x: QTensor,
  c: ConstTensor,
  terms: [number, number][][],
  shape: number[],
  name: string,
): QTensor {
  const w = ctx.quantize(c, ctx.scales.paramScale, "the constant operand");
  const extraErr = new Float64Array(terms.length);
  const rows: AffinePrim["rows"] = terms.map((row, r) => {
    const m = new Map<number, bigint>();
    let e = 0;
    for (const [i, j] of row) {
      m.set(i, (m.get(i) ?? 0n) + (w.q[j] as bigint));
      e += (w.err[j] as number) * LowerCtx.magnitude(x, i);
    }
    extraErr[r] = e;
    return { idx: Int32Array.from(m.keys()), coef: [...m.values()] };
  });
  const bias = new Array<bigint>(terms.length).fill(0n);
  return ctx.affine(name, shape, [x], rows, bias, x.scale + ctx.scales.paramScale, extraErr);
}

/** Σ_t a[i_t]·b[j_t] per output: one constraint per distinct product, free sums. */
function signalProducts(
  ctx: LowerCtx,
  a0: QTensor,
  b0: QTensor,
  terms: [number, number][][],
  shape: number[],
  name: string,
): QTensor {
  const [a, b] = productOperands(ctx, a0, b0);
  const flat = terms.flat();
  const single = terms.every((row) => row.length === 1);
  const { p, at } = products(
    ctx,
    a,
    b,
    flat.map((t) => t[0]),
    flat.map((t) => t[1]),
    single ? name : `${name}/products`,
    single ? shape : undefined,
  );
  if (single && p.lo.length === at.length) return p;
  let t = 0;
  const rows: AffinePrim["rows"] = terms.map((row) => {
    const m = new Map<number, bigint>();
    for (let k = 0; k < row.length; k++) {
      const e = at[t++] as number;
      m.set(e, (m.get(e) ?? 0n) + 1n);
    }
    return { idx: Int32Array.from(m.keys()), coef: [...m.values()] };
  });
  return ctx.affine(name, shape, [p], rows, new Array(rows.length).fill(0n), p.scale);
}

/** The result with its dimensions in output order (a permutation or broadcast: free wiring). */
function arrange(ctx: LowerCtx, a: Arr, out: string[], size: Map<string, number>, name: string): Value {
  const shape = out.map((l) => size.get(l) ?? 1);
  if (a.labels.join(",") === out.join(",") && a.shape.join() === shape.join()) return a.v;
  const idx = indexer(a, out);
  const src = new Int32Array(numel(shape));
  forEachIndex(out, size, (vals, i) => {
    src[i] = idx(vals);
  });
  return take(ctx, a.v, src, shape, name);
}

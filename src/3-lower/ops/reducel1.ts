import type { QTensor } from "../ir.js";
import type { LowerCtx, Value } from "../lower.js";
import { linear } from "../prims/basic.js";
import { cmp } from "../prims/cmp.js";
import { mul } from "../prims/mul.js";
import { reduction } from "./lib/reduce-axes.js";
import type { OpSpec } from "./op.js";

/**
 * ReduceL1: Σ|x| over the reduced axes at the input's scale. An element whose sign its bounds decide
 * enters the sum as ±x (free); the others get |x| = (2·[x >= 0] − 1)·x: the cmp prim (the element's width
 * N) and one product, N + 1 constraints. The sum is free; |·| is 1-Lipschitz, so the error is the sum of
 * the input errors. Axes: attribute (opset < 18) or constant input; keepdims, noop_with_empty_axes.
 */
export const reduceL1: OpSpec = {
  opType: "ReduceL1",
  summary: "Σ|x| over axes: bits + 1 per element of unknown sign, the sum free",
  lower(ctx: LowerCtx): Value[] {
    const x = ctx.signal(0);
    const r = reduction(ctx, x.shape);
    const name = ctx.node.outputs[0] ?? "";
    const mixed: number[] = [];
    const pos = new Int32Array(x.lo.length).fill(-1);
    x.lo.forEach((l, j) => {
      if (l < 0n && (x.hi[j] as bigint) > 0n) pos[j] = mixed.push(j) - 1;
    });
    const ins: QTensor[] = [x];
    if (mixed.length > 0) ins.push(absolute(ctx, x, Int32Array.from(mixed), name));
    const n = x.lo.length;
    const rows = r.groups.map((g) => {
      const idx = Int32Array.from(g, (j) => ((pos[j] as number) >= 0 ? n + (pos[j] as number) : j));
      const coef = Array.from(g, (j) => ((pos[j] as number) >= 0 || (x.lo[j] as bigint) >= 0n ? 1n : -1n));
      return { idx, coef };
    });
    const bias = new Array<bigint>(rows.length).fill(0n);
    return [{ kind: "signal", q: ctx.affine(name, r.shape, ins, rows, bias, x.scale) }];
  },
};

/** |x[j]| for the listed elements (their sign unknown): [x >= 0] and one product each. */
function absolute(ctx: LowerCtx, x: QTensor, elems: Int32Array, name: string): QTensor {
  const shape = [elems.length];
  const xs = ctx.gather([x], elems, shape, `${name}/mixed`);
  const s = cmp(ctx, xs, "nonneg", shape, `${name}/nonneg`);
  const pm = linear(ctx, [s], (i) => [[i, 2n]], -1n, shape, `${name}/pm`);
  const iota = Int32Array.from(elems, (_, i) => i);
  const a = mul(ctx, pm, iota, xs, iota, shape, `${name}/abs`);
  // Proven tighter than the interval product: a = |x| exactly on the integers, and ||u| − |v|| <= |u − v|.
  elems.forEach((j, i) => {
    a.lo[i] = 0n;
    a.hi[i] = -(x.lo[j] as bigint) > (x.hi[j] as bigint) ? -(x.lo[j] as bigint) : (x.hi[j] as bigint);
    a.err[i] = x.err[j] as number;
  });
  return a;
}

import type { QTensor } from "../../ir.js";
import type { LowerCtx } from "../../lower.js";
import { linear } from "../../prims/basic.js";
import { toScale } from "../../prims/poly-approx.js";
import { bitsUnsigned } from "../../rounding.js";

/**
 * Helpers shared by the activation ops: domains of saturating functions, and the split of x into its
 * positive and negative parts (one ReLU), from which |x| and min(x, 0) are free.
 */

/**
 * The half-width L of a symmetric clamping domain [-L, L) for a function whose distance to its limit
 * beyond L is tail(L): the smallest integer L with tail(L) <= 2^-(s+2) (half the output rounding), then
 * widened to fill its bit width at scale s (same cost, smaller clamping error).
 */
export function symmetricDomain(tail: (L: number) => number, s: number): [number, number] {
  const L = smallestL(tail, s);
  const bits = bitsUnsigned(BigInt(2 * L * 2 ** s - 1));
  const w = 2 ** (bits - 1) / 2 ** s;
  return [-w, w];
}

/** The lower end -L of a one-sided domain [-L, 0] (same rule as symmetricDomain; 0 included). */
export function lowerDomain(tail: (L: number) => number, s: number): number {
  const L = smallestL(tail, s);
  const bits = bitsUnsigned(BigInt(L * 2 ** s));
  return -(2 ** bits - 1) / 2 ** s;
}

/** The upper end L of a one-sided domain [0, L). */
export function upperDomain(tail: (L: number) => number, s: number): number {
  const L = smallestL(tail, s);
  const bits = bitsUnsigned(BigInt(L * 2 ** s - 1));
  return 2 ** bits / 2 ** s;
}

/** A domain [-L1, L2) for two tails (same rule), the lower end widened to fill the bit width. */
export function asymmetricDomain(
  tailLow: (L: number) => number,
  tailHigh: (L: number) => number,
  s: number,
): [number, number] {
  const lo = smallestL(tailLow, s);
  const hi = smallestL(tailHigh, s);
  const bits = bitsUnsigned(BigInt((lo + hi) * 2 ** s - 1));
  return [hi - 2 ** bits / 2 ** s, hi];
}

function smallestL(tail: (L: number) => number, s: number): number {
  const limit = 2 ** -(s + 2);
  for (let L = 1; L < 4096; L++) if (Math.abs(tail(L)) <= limit) return L;
  return 4096;
}

export interface SignSplit {
  /** x at the working scale (or coarser). */
  x: QTensor;
  /** max(x, 0), min(x, 0) and |x|, at x's scale. */
  pos: QTensor;
  neg: QTensor;
  abs: QTensor;
}

/**
 * max(x, 0) by one ReLU (the input is brought to the working scale first; k = 0 then, so the ReLU is
 * exact), and min(x, 0) = x − max(x, 0), |x| = 2·max(x, 0) − x, both free. Their interval bounds are
 * tightened to what the ReLU's constraints prove (pos = x or 0 exactly), and their errors to x's (each
 * is 1-Lipschitz in x). Cost: the input rescale if any, then N + 1 per element.
 */
export function splitSign(ctx: LowerCtx, x0: QTensor, name = ctx.node.outputs[0] ?? ""): SignSplit {
  const x = toScale(ctx, x0, ctx.workScale, name);
  const pos = ctx.rescale(x, 0, true, `${name}/relu`);
  const n = x.lo.length;
  const neg = linear(
    ctx,
    [x, pos],
    (i) => [
      [i, 1n],
      [n + i, -1n],
    ],
    0n,
    x.shape,
    `${name}/neg`,
  );
  const abs = linear(
    ctx,
    [x, pos],
    (i) => [
      [i, -1n],
      [n + i, 2n],
    ],
    0n,
    x.shape,
    `${name}/abs`,
  );
  for (let i = 0; i < n; i++) {
    const lo = x.lo[i] as bigint;
    const hi = x.hi[i] as bigint;
    tighten(neg, i, lo < 0n ? lo : 0n, hi < 0n ? hi : 0n, x.err[i] as number);
    const m = -lo > hi ? -lo : hi;
    tighten(abs, i, lo > 0n ? lo : hi < 0n ? -hi : 0n, m, x.err[i] as number);
  }
  return { x, pos, neg, abs };
}

/**
 * Narrow element i's bounds and error in place (the tensor object is the plan's), to facts the circuit's
 * constraints prove but interval arithmetic cannot see. Never widens.
 */
export function tighten(q: QTensor, i: number, lo: bigint, hi: bigint, err: number): void {
  if (lo > (q.lo[i] as bigint)) q.lo[i] = lo;
  if (hi < (q.hi[i] as bigint)) q.hi[i] = hi;
  if (err < (q.err[i] as number)) q.err[i] = err;
}

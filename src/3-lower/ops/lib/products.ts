import type { QTensor } from "../../ir.js";
import type { LowerCtx } from "../../lower.js";
import { mul } from "../../prims/mul.js";

/**
 * The operands of signal × signal products, brought to scales whose sum is at most twice the working
 * scale: a factor above the working scale is rescaled to it first (about its width in constraints).
 * Two working-scale factors are left alone (their product at 2·ws is rescaled by whatever follows, often
 * fused with a ReLU); a chain like x·x·x rescales x² once instead of letting scales grow to 3·ws, 4·ws...
 * Rescaling the factors rather than the product is cheaper: they are narrower, and a broadcast factor is
 * rescaled once rather than once per product. Weight signals (--param-visibility) keep their scale.
 */
export function productOperands(ctx: LowerCtx, a: QTensor, b: QTensor): [QTensor, QTensor] {
  const ws = ctx.workScale;
  if (a.scale + b.scale <= 2 * ws) return [a, b];
  // A weight signal times a working-scale value is what a constant weight gives (s_x + s_param): the
  // rescale after the layer handles it, as it does for constant weights.
  if ((a.weight || b.weight) && a.scale + b.scale <= ws + ctx.scales.paramScale) return [a, b];
  const down = (q: QTensor) => (q.scale > ws ? ctx.rescale(q, q.scale - ws, false, q.onnxName) : q);
  const ra = down(a);
  return [ra, a.id === b.id ? ra : down(b)];
}

/**
 * Products a[ia[t]] · b[ib[t]] of signal elements, each distinct pair computed once (1 constraint each,
 * the mul prim): a product repeated within the request (or mirrored, when a and b are the same tensor)
 * reuses the first. Returns the product tensor (flat, or `shape` when every pair is distinct) and, per
 * requested pair, its element.
 */
export function products(
  ctx: LowerCtx,
  a: QTensor,
  b: QTensor,
  ia: ArrayLike<number>,
  ib: ArrayLike<number>,
  onnxName = ctx.node.outputs[0] ?? "",
  shape?: number[],
): { p: QTensor; at: Int32Array } {
  const same = a.id === b.id;
  const nb = b.lo.length;
  const seen = new Map<number, number>();
  const ua: number[] = [];
  const ub: number[] = [];
  const at = new Int32Array(ia.length);
  for (let t = 0; t < ia.length; t++) {
    let x = ia[t] as number;
    let y = ib[t] as number;
    if (same && y < x) [x, y] = [y, x];
    const key = x * nb + y;
    let k = seen.get(key);
    if (k === undefined) {
      k = ua.length;
      seen.set(key, k);
      ua.push(x);
      ub.push(y);
    }
    at[t] = k;
  }
  // all distinct: the products are the result itself (at is the identity), with the caller's shape
  const outShape = shape && ua.length === ia.length ? shape : [ua.length];
  const p = mul(ctx, a, Int32Array.from(ua), b, Int32Array.from(ub), outShape, onnxName);
  return { p, at };
}

import type { CmpPrim, QTensor } from "../ir.js";
import { type LowerCtx, MAX_BITS } from "../lower.js";
import { bitsSigned } from "../rounding.js";

/**
 * A 0/1 tensor: [x >= 0] ("nonneg", a decomposition of x's width; circuits/compare.circom) or
 * [x = 0] ("zero", circomlib IsZero, 2 constraints). Comparisons of two tensors compare their
 * difference, formed as a free affine map by the op. The result is exact on the integers; its error
 * bound is 1 where the input carries any error (a value near the threshold may flip), else 0.
 */
export function cmp(
  ctx: LowerCtx,
  x: QTensor,
  test: CmpPrim["test"],
  shape = x.shape,
  onnxName = ctx.node.outputs[0] ?? "",
): QTensor {
  const n = x.lo.length;
  const known = (j: number): 0n | 1n | undefined => {
    const l = x.lo[j] as bigint;
    const h = x.hi[j] as bigint;
    if (test === "nonneg") return l >= 0n ? 1n : h < 0n ? 0n : undefined;
    return l > 0n || h < 0n ? 0n : l === 0n && h === 0n ? 1n : undefined;
  };
  const lo = Array.from({ length: n }, (_, j) => known(j) ?? 0n);
  const hi = Array.from({ length: n }, (_, j) => known(j) ?? 1n);
  const err = x.err.map((e) => (e > 0 ? 1 : 0));
  const bits = x.lo.map((l, j) => Math.max(1, bitsSigned(l, x.hi[j] as bigint)));
  const widest = Math.max(0, ...bits);
  if (test === "nonneg" && widest > MAX_BITS)
    ctx.error("field-overflow", `a sign test needs a ${widest}-bit decomposition, beyond ${MAX_BITS}`);
  const prim: Omit<CmpPrim, "out"> = { kind: "cmp", in: x.id, test, bits };
  return ctx.addPrim(prim, { onnxName, shape, scale: 0, lo, hi, err });
}

export function evaluateCmp(p: CmpPrim, vals: bigint[][]): bigint[] {
  const x = vals[p.in] as bigint[];
  return x.map((v) => (p.test === "zero" ? (v === 0n ? 1n : 0n) : v >= 0n ? 1n : 0n));
}

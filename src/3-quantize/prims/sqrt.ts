import type { QTensor, SqrtPrim } from "../ir.js";
import type { LowerCtx } from "../lower.js";
import { bitsUnsigned } from "../rounding.js";

/** floor(sqrt(x)) of a non-negative bigint (Newton's method on integers). */
export function isqrt(x: bigint): bigint {
  if (x < 0n) throw new RangeError(`isqrt of a negative value ${x}`);
  if (x < 2n) return x;
  let r = 1n << BigInt(Math.ceil(bitsUnsigned(x) / 2));
  for (;;) {
    const next = (r + x / r) >> 1n;
    if (next >= r) return r;
    r = next;
  }
}

/** Widest input for which FloorSqrt needs no range check of its output (see circuits/sqrt.circom). */
export const SQRT_UNCHECKED_MAX_BITS = 125;

/**
 * out[i] = floor(sqrt(x[i])) of a signal proven non-negative (circuits/sqrt.circom: s² <= x < (s+1)²).
 * On the real values, sqrt(v) at scale 2s of x gives scale s; the op chooses x's scale to be even.
 */
export function sqrt(
  ctx: LowerCtx,
  x: QTensor,
  scale: number,
  err: Float64Array,
  onnxName = ctx.node.outputs[0] ?? "",
): QTensor {
  if (x.lo.some((l) => l < 0n))
    ctx.error(
      "unsupported-op",
      "the argument of a square root can be negative within the range its inputs are checked to",
      "check the model or the calibrated input range",
    );
  const lo = x.lo.map(isqrt);
  const hi = x.hi.map(isqrt);
  // Both x − s² and (s+1)² − 1 − x (<= 2s) must fit the xBits-bit checks.
  const xBits = x.hi.map((h, i) => Math.max(bitsUnsigned(h), Math.max(1, bitsUnsigned(hi[i] as bigint)) + 1));
  // Up to 125 bits the two checks alone pin s (circuits/sqrt.circom): no range check of s (sBits 0).
  const sBits = xBits.map((nx, i) =>
    nx <= SQRT_UNCHECKED_MAX_BITS ? 0 : Math.max(1, bitsUnsigned(hi[i] as bigint)),
  );
  const prim: Omit<SqrtPrim, "out"> = { kind: "sqrt", in: x.id, xBits, sBits };
  return ctx.addPrim(prim, { onnxName, shape: x.shape, scale, lo, hi, err });
}

export function evaluateSqrt(p: SqrtPrim, vals: bigint[][]): bigint[] {
  return (vals[p.in] as bigint[]).map(isqrt);
}

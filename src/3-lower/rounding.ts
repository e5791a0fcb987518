/**
 * Integer rounding: the specification the circuit templates in `circuits/` must match bit for bit.
 *
 * Fixed point: a real value v is represented by the integer x ≈ v · 2^scale. Bringing a value from scale
 * s + k down to scale s is `roundShift(x, k)`: x / 2^k rounded to the nearest integer, ties away from zero
 * (the same convention as C's `round()`; not banker's rounding, so `Math.round`'s ties-up-for-negatives is
 * NOT what this does).
 */

function checkShift(k: number): void {
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`shift k must be a non-negative integer, got ${k}`);
}

/** x / 2^k rounded to the nearest integer, ties away from zero. k = 0 returns x. */
export function roundShift(x: bigint, k: number): bigint {
  checkShift(k);
  if (k === 0) return x;
  const half = 1n << BigInt(k - 1);
  const shift = BigInt(k);
  // `>>` on bigint is floor division by 2^k; |x| + half then floor gives round-half-up of |x|.
  return x >= 0n ? (x + half) >> shift : -((-x + half) >> shift);
}

/** max(0, roundShift(x, k)): a rescale followed by ReLU. */
export function rescaleRelu(x: bigint, k: number): bigint {
  const r = roundShift(x, k);
  return r > 0n ? r : 0n;
}

/** Smallest n >= 0 with 0 <= value < 2^n (the width of an unsigned bit decomposition of `value`). */
export function bitsUnsigned(value: bigint): number {
  if (value < 0n) throw new RangeError(`bitsUnsigned of a negative value ${value}`);
  return value === 0n ? 0 : value.toString(2).length;
}

/**
 * Smallest N >= 1 with [lo, hi] ⊆ [-2^(N-1), 2^(N-1)): the width of a two's-complement-style (offset)
 * decomposition that covers every value in the interval.
 */
export function bitsSigned(lo: bigint, hi: bigint): number {
  if (lo > hi) throw new RangeError(`empty interval [${lo}, ${hi}]`);
  // x >= -2^(N-1)  <=>  -x - 1 < 2^(N-1);   x < 2^(N-1).
  const neg = lo < 0n ? bitsUnsigned(-lo - 1n) : 0;
  const pos = hi >= 0n ? bitsUnsigned(hi) : 0;
  return Math.max(neg, pos) + 1;
}

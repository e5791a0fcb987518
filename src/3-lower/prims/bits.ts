import { Lin } from "./lin.js";
import type { Cs } from "./spec.js";

/** 2^k as a bigint. */
export const pow2 = (k: number): bigint => 1n << BigInt(k);

/** Σ_{k in [from, to)} 2^(k − shift)·bits[k]. */
export function weighted(bits: readonly Lin[], from: number, to: number, shift = 0): Lin {
  const terms: [bigint, Lin][] = [];
  for (let k = from; k < to; k++) terms.push([pow2(k - shift), bits[k] as Lin]);
  return Lin.sum(terms);
}

/** b·(b − 1) = 0. */
export function boolean(cs: Cs, b: Lin): void {
  cs.constrain(b, b.add(-1n), Lin.ZERO);
}

/**
 * circomlib's Num2Bits(n) of x as --O2 leaves it, in the direct backend: n booleanity constraints over
 * bits b_0..b_(n−1) with x = Σ b_k·2^k. The recomposition is the linear constraint --O2 eliminates, so
 * b_0 is not a wire but x − Σ_(k≥1) b_k·2^k. `value` gives x's integer value, in [0, 2^n), in the modes
 * that compute a witness. Names: `<base>.out[k]`, `<base>.in`.
 */
export function num2bits(cs: Cs, base: () => string, x: Lin, value: () => bigint, n: number): Lin[] {
  const v = cs.mode === "rows" ? 0n : value();
  const bits: Lin[] = new Array(n);
  for (let k = 1; k < n; k++)
    bits[k] = cs.wire(
      () => `${base()}.out[${k}]`,
      () => (v >> BigInt(k)) & 1n,
    );
  bits[0] = cs.lean ? Lin.ZERO : x.minus(weighted(bits, 1, n));
  if (cs.lean) return bits;
  cs.named(() => `${base()}.out[0]`, bits[0]);
  cs.named(() => `${base()}.in`, x);
  for (const b of bits) boolean(cs, b);
  return bits;
}

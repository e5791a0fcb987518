/** The BN254 scalar field, circom's default prime: every signal and coefficient lives in it. */
export const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** x mod p in [0, p). */
export function mod(x: bigint): bigint {
  const r = x % P;
  return r < 0n ? r + P : r;
}

/** The inverse of x mod p (extended Euclid); 0 for 0, as circomlib's IsZero hint takes it. */
export function inverse(x: bigint): bigint {
  let [a, b, u, v] = [mod(x), P, 1n, 0n];
  if (a === 0n) return 0n;
  while (b !== 0n) {
    const q = a / b;
    [a, b] = [b, a - q * b];
    [u, v] = [v, u - q * v];
  }
  return mod(u);
}

/** A field element read as a signed integer (values above p/2 are negative). */
export function signed(v: bigint): bigint {
  const r = mod(v);
  return r > P / 2n ? r - P : r;
}

import { fail, type NodeRef } from "../errors.js";

/** Round-half-away-from-zero of v·2^scale: the same rule as the circuit's rescale (rounding.ts). */
export function quantizeNumber(v: number, scale: number): bigint {
  const x = v * 2 ** scale;
  if (!Number.isFinite(x)) fail("non-finite", `cannot quantize ${v} at scale 2^${scale}`);
  const r = Math.floor(Math.abs(x) + 0.5);
  if (!Number.isSafeInteger(r)) {
    // Beyond 2^53 a double is already an integer; BigInt converts it exactly.
    return BigInt(Math.sign(x) * Math.abs(x));
  }
  return BigInt(Math.sign(x) * r);
}

/** Quantize constants; reports NaN/Inf with the node they belong to. */
export function quantizeArray(
  values: ArrayLike<number>,
  scale: number,
  what: string,
  node?: NodeRef,
): { q: bigint[]; err: Float64Array } {
  const q: bigint[] = new Array(values.length);
  const err = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) {
      fail("non-finite", `${what} holds ${v} at flat index ${i}`, {
        node,
        hint: "the model's constants must be finite numbers",
      });
    }
    const qi = quantizeNumber(v, scale);
    q[i] = qi;
    err[i] = Math.abs(Number(qi) / 2 ** scale - v);
  }
  return { q, err };
}

export function dequantize(x: bigint, scale: number): number {
  return Number(x) / 2 ** scale;
}

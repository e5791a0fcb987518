import type { DivPrim, QTensor } from "../ir.js";
import { type LowerCtx, MAX_BITS } from "../lower.js";
import { bitsUnsigned } from "../rounding.js";

/** floor(a / b) for bigints, b > 0. */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

/**
 * out[i] = floor(num[i] / den[i]) for signal tensors of equal length, den proven >= 1 by its bounds
 * (circuits/division.circom: num = q·den + r, 0 <= r < den, q range-checked so it is unique). `constDen`:
 * den is a constantSignal (the product is then linear, one constraint less).
 * The quotient is exact on the integers; ops derive its real-valued error from their inputs'.
 */
export function div(
  ctx: LowerCtx,
  num: QTensor,
  den: QTensor,
  scale: number,
  err: Float64Array,
  shape = num.shape,
  onnxName = ctx.node.outputs[0] ?? "",
  constDen = false,
): QTensor {
  const n = num.lo.length;
  if (den.lo.length !== n) ctx.error("bug", "div operands differ in length");
  const lo: bigint[] = new Array(n);
  const hi: bigint[] = new Array(n);
  const qBits: number[] = new Array(n);
  const rBits: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const dl = den.lo[i] as bigint;
    const dh = den.hi[i] as bigint;
    if (dl < 1n)
      ctx.error(
        "unsupported-op",
        "a divisor can be zero or negative within the range its inputs are checked to",
        "zkmlc divides by signals proven positive; check the model or the calibrated range",
      );
    const nl = num.lo[i] as bigint;
    const nh = num.hi[i] as bigint;
    // floor(n/d) is monotone in n; over d it is extreme at the ends of [dl, dh].
    const cands = [floorDiv(nl, dl), floorDiv(nl, dh), floorDiv(nh, dl), floorDiv(nh, dh)];
    lo[i] = cands.reduce((x, y) => (y < x ? y : x));
    hi[i] = cands.reduce((x, y) => (y > x ? y : x));
    qBits[i] = Math.max(1, bitsUnsigned((hi[i] as bigint) - (lo[i] as bigint)));
    rBits[i] = Math.max(1, bitsUnsigned(dh));
    // FloorDiv's field-safety condition: q·den + r must not wrap (circuits/division.circom).
    const lo0 = lo[i] as bigint;
    const width = (qBits[i] as number) + (rBits[i] as number) + bitsUnsigned(lo0 < 0n ? -lo0 : lo0) + 2;
    if (width > MAX_BITS)
      ctx.error(
        "field-overflow",
        `a division needs ${width} bits (quotient ${qBits[i]}, divisor ${rBits[i]}, offset ${bitsUnsigned(lo0 < 0n ? -lo0 : lo0)}, + 2), beyond the ${MAX_BITS}-bit field-safe limit`,
        "lower --input-scale or --param-scale, or narrow the calibrated input range",
      );
  }
  const prim: Omit<DivPrim, "out"> = {
    kind: "div",
    num: num.id,
    den: den.id,
    qlo: lo,
    qBits,
    rBits,
    ...(constDen ? { constDen: true as const } : {}),
  };
  return ctx.addPrim(prim, { onnxName, shape, scale, lo, hi, err });
}

export function evaluateDiv(p: DivPrim, vals: bigint[][]): bigint[] {
  const num = vals[p.num] as bigint[];
  const den = vals[p.den] as bigint[];
  return num.map((v, i) => floorDiv(v, den[i] as bigint));
}

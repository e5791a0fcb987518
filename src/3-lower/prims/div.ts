import type { DivPrim, QTensor } from "../ir.js";
import { type LowerCtx, MAX_BITS } from "../lower.js";
import { bitsUnsigned } from "../rounding.js";
import { boolean, num2bits, weighted } from "./bits.js";
import { INDENT as I, varArray } from "./circom-text.js";
import { Lin } from "./lin.js";
import type { PrimSpec } from "./spec.js";

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

/**
 * FloorDiv(QLO, NQ, NR) (circuits/division.circom): num = q·den + r, q − QLO in NQ bits, r and den − 1 −
 * r in NR bits. NQ + 2·NR + 1 constraints (the product is linear for a constant divisor: one less).
 */
export const divSpec: PrimSpec<DivPrim> = {
  kind: "div",
  cost: (p) => p.qBits.reduce((s, q, i) => s + q + 2 * (p.rBits[i] as number) + (p.constDen ? 0 : 1), 0),
  evaluate(p, vals) {
    const num = vals[p.num] as bigint[];
    const den = vals[p.den] as bigint[];
    return num.map((v, i) => floorDiv(v, den[i] as bigint));
  },
  circom(p, s, env) {
    const n = p.qBits.length;
    return [
      "// floor division by a positive signal (FloorDiv: q and the remainder range-checked)",
      varArray(`QLO_${s}`, p.qlo),
      varArray(`NQ_${s}`, p.qBits),
      varArray(`NR_${s}`, p.rBits),
      `component c_${s}[${n}];`,
      `for (var i = 0; i < ${n}; i++) {`,
      `${I}c_${s}[i] = FloorDiv(QLO_${s}[i], NQ_${s}[i], NR_${s}[i]);`,
      `${I}c_${s}[i].num <== ${env.name(p.num)}[i];`,
      `${I}c_${s}[i].den <== ${env.name(p.den)}[i];`,
      `${I}${s}[i] <== c_${s}[i].q;`,
      "}",
    ];
  },
  build(p, s, cs) {
    p.qBits.forEach((NQ, i) => {
      const NR = p.rBits[i] as number;
      const qlo = p.qlo[i] as bigint;
      const c = () => `main.c_${s}[${i}]`;
      const num = cs.lin(p.num, i);
      const den = cs.lin(p.den, i);
      cs.named(() => `${c()}.num`, num);
      cs.named(() => `${c()}.den`, den);
      const qv = () => floorDiv(cs.val(p.num, i), cs.val(p.den, i));
      const rv = () => cs.val(p.num, i) - qv() * cs.val(p.den, i);
      const q = cs.wire(() => `${c()}.q`, qv);
      cs.out(p.out, i, q);
      const qq = q.add(-qlo);
      cs.named(() => `${c()}.qq`, qq);
      num2bits(
        cs,
        () => `${c()}.qBits`,
        qq,
        () => qv() - qlo,
        NQ,
      );
      let r: Lin;
      if (p.constDen) {
        // num = q·den + r is linear: r is the combination num − den·q, its bit 0 eliminated.
        r = cs.lean ? Lin.ZERO : num.minus(q.times(den.k));
        num2bits(cs, () => `${c()}.rBits`, r, rv, NR);
      } else {
        // r = Σ rBits·2^k is the eliminated signal; every bit is a wire.
        const v = cs.mode === "rows" ? 0n : rv();
        const bits = Array.from({ length: NR }, (_, k) =>
          cs.wire(
            () => `${c()}.rBits.out[${k}]`,
            () => (v >> BigInt(k)) & 1n,
          ),
        );
        r = weighted(bits, 0, NR);
        cs.named(() => `${c()}.rBits.in`, r);
        for (const b of bits) boolean(cs, b);
        cs.constrain(q, den, num.minus(r));
      }
      cs.named(() => `${c()}.r`, r);
      num2bits(
        cs,
        () => `${c()}.gapBits`,
        den.add(-1n).minus(r),
        () => cs.val(p.den, i) - 1n - rv(),
        NR,
      );
    });
  },
};

import type { QTensor, SqrtPrim } from "../ir.js";
import type { LowerCtx } from "../lower.js";
import { bitsUnsigned } from "../rounding.js";
import { num2bits } from "./bits.js";
import { INDENT as I, varArray } from "./circom-text.js";
import type { PrimSpec } from "./spec.js";

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

/**
 * FloorSqrt(NX, NS) (circuits/sqrt.circom): s = out, sq = s·s, in − sq and sq + 2s − in in NX bits, s in
 * NS bits when NS > 0. 2·NX + NS + 1 constraints.
 */
export const sqrtSpec: PrimSpec<SqrtPrim> = {
  kind: "sqrt",
  cost: (p) => p.xBits.reduce((s, x, i) => s + 2 * x + (p.sBits[i] as number) + 1, 0),
  evaluate: (p, vals) => (vals[p.in] as bigint[]).map(isqrt),
  circom(p, s, env) {
    const n = p.xBits.length;
    return [
      "// floor square root (FloorSqrt)",
      varArray(`NX_${s}`, p.xBits),
      varArray(`NS_${s}`, p.sBits),
      `component c_${s}[${n}];`,
      `for (var i = 0; i < ${n}; i++) {`,
      `${I}c_${s}[i] = FloorSqrt(NX_${s}[i], NS_${s}[i]);`,
      `${I}c_${s}[i].in <== ${env.name(p.in)}[i];`,
      `${I}${s}[i] <== c_${s}[i].out;`,
      "}",
    ];
  },
  build(p, s, cs) {
    p.xBits.forEach((NX, i) => {
      const NS = p.sBits[i] as number;
      const c = () => `main.c_${s}[${i}]`;
      const x = cs.lin(p.in, i);
      cs.named(() => `${c()}.in`, x);
      const sv = () => isqrt(cs.val(p.in, i));
      const out = cs.wire(() => `${c()}.out`, sv);
      cs.out(p.out, i, out);
      if (NS > 0) num2bits(cs, () => `${c()}.sBits`, out, sv, NS);
      const sq = cs.wire(
        () => `${c()}.sq`,
        () => sv() * sv(),
      );
      cs.constrain(out, out, sq);
      num2bits(
        cs,
        () => `${c()}.lowBits`,
        x.minus(sq),
        () => cs.val(p.in, i) - sv() * sv(),
        NX,
      );
      num2bits(
        cs,
        () => `${c()}.highBits`,
        sq.plus(out, 2n).minus(x),
        () => sv() * sv() + 2n * sv() - cs.val(p.in, i),
        NX,
      );
    });
  },
};

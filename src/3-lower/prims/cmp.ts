import { inverse } from "../field.js";
import type { CmpPrim, QTensor } from "../ir.js";
import { type LowerCtx, MAX_BITS } from "../lower.js";
import { bitsSigned } from "../rounding.js";
import { num2bits, pow2 } from "./bits.js";
import { INDENT as I, varArray } from "./circom-text.js";
import { Lin } from "./lin.js";
import type { PrimSpec } from "./spec.js";

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

/**
 * [x >= 0]: IsNonNeg(N) (circuits/compare.circom), N constraints, the output is the decomposition's top
 * bit (for N = 1 the combination x + 1). [x = 0]: circomlib's IsZero, 2 constraints.
 */
export const cmpSpec: PrimSpec<CmpPrim> = {
  kind: "cmp",
  cost: (p, size) => (p.test === "zero" ? 2 * size : p.bits.reduce((s, b) => s + b, 0)),
  evaluate(p, vals) {
    const x = vals[p.in] as bigint[];
    return x.map((v) => (p.test === "zero" ? (v === 0n ? 1n : 0n) : v >= 0n ? 1n : 0n));
  },
  circom(p, s, env) {
    const n = p.bits.length;
    const x = env.name(p.in);
    const make = p.test === "zero" ? "IsZero()" : `IsNonNeg(N_${s}[i])`;
    return [
      p.test === "zero"
        ? "// [x = 0] (circomlib IsZero, 2 constraints)"
        : "// [x >= 0] (IsNonNeg, width constraints)",
      ...(p.test === "zero" ? [] : [varArray(`N_${s}`, p.bits)]),
      `component c_${s}[${n}];`,
      `for (var i = 0; i < ${n}; i++) {`,
      `${I}c_${s}[i] = ${make};`,
      `${I}c_${s}[i].in <== ${x}[i];`,
      `${I}${s}[i] <== c_${s}[i].out;`,
      "}",
    ];
  },
  build(p, s, cs) {
    p.bits.forEach((N, i) => {
      const c = () => `main.c_${s}[${i}]`;
      const x = cs.lin(p.in, i);
      cs.named(() => `${c()}.in`, x);
      let out: Lin;
      if (p.test === "zero") {
        const inv = cs.wire(
          () => `${c()}.inv`,
          () => inverse(cs.val(p.in, i)),
        );
        out = cs.wire(
          () => `${c()}.out`,
          () => (cs.val(p.in, i) === 0n ? 1n : 0n),
        );
        cs.constrain(x, inv, Lin.ONE.minus(out));
        cs.constrain(x, out, Lin.ZERO);
      } else {
        const bits = num2bits(
          cs,
          () => `${c()}.bits`,
          x.add(pow2(N - 1)),
          () => cs.val(p.in, i) + pow2(N - 1),
          N,
        );
        out = bits[N - 1] as Lin;
        cs.named(() => `${c()}.out`, out);
      }
      cs.out(p.out, i, out);
    });
  },
};

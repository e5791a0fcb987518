import type { AffinePrim, QTensor } from "../ir.js";
import type { LowerCtx, Value } from "../lower.js";
import { divide, ONE } from "./div.js";
import { broadcastIndex } from "./lib/broadcast.js";
import { approxOverRange } from "./lib/elementary.js";
import { broadcastAll, broadcastTo, toScale } from "./lib/elementwise.js";
import { multiply } from "./mul.js";
import type { OpSpec } from "./op.js";
import { squareRoot } from "./sqrt.js";

/** Largest |integer exponent| expanded into products. */
const MAX_EXPONENT = 64;

/**
 * Pow with a constant exponent (the same value for every element):
 * - integer p >= 1: square-and-multiply with the mul prim (p = 2: x·x, 1 constraint per element; each
 *   further product rescales a factor above the working scale first, see Mul);
 * - p = 0: the constant 1; p = 0.5: Sqrt; negative integers and −0.5: 1/x^|p| (Reciprocal's div prim);
 * - any other p, for a base proven positive (as Log's input): a piecewise polynomial of x^p over the
 *   base's range (at most 2^18 units wide), error measured. A base that can be 0 or negative is rejected
 *   (x^p is undefined or unbounded there).
 * Per-element exponents compute each distinct value on its own elements; signal exponents are rejected.
 */
export const pow: OpSpec = {
  opType: "Pow",
  summary:
    "constant exponents (per element too): integers (products), ±0.5 (sqrt), negative (reciprocal); others polynomial, base proven > 0",
  lower(ctx: LowerCtx): Value[] {
    const e = ctx.constant(1, "the exponent");
    const shape = broadcastAll(ctx, [ctx.shapeOf(0), e.shape]);
    const x = broadcastTo(ctx, ctx.signal(0), shape);
    const name = ctx.node.outputs[0] ?? "";
    const exps = Array.from(broadcastIndex(shape, e.shape), (j) => e.data[j] as number);
    const distinct = [...new Set(exps)];
    if (distinct.length === 1) return [powerOf(ctx, x, distinct[0] as number, name)];
    // Per-element exponents: each distinct exponent on its own elements, reassembled by free wiring.
    const groups = distinct.map((p) => {
      const idx = exps.flatMap((q, i) => (q === p ? [i] : []));
      const sub = ctx.gather([x], Int32Array.from(idx), [idx.length], `${name}/p${p}`);
      return { idx, v: powerOf(ctx, sub, p, `${name}/p${p}`) };
    });
    const signals = groups.flatMap((g) => (g.v.kind === "signal" ? [g.v.q] : []));
    const scale = signals.reduce((m, q) => Math.max(m, q.scale), 0);
    const aligned = signals.map((q) => toScale(ctx, q, scale));
    const rows: AffinePrim["rows"] = new Array(exps.length);
    const bias = new Array<bigint>(exps.length).fill(0n);
    let off = 0;
    let k = 0;
    for (const g of groups) {
      const v = g.v;
      g.idx.forEach((i, j) => {
        if (v.kind === "signal") rows[i] = { idx: Int32Array.of(off + j), coef: [1n] };
        else {
          // p = 0: the constant 1
          rows[i] = { idx: new Int32Array(0), coef: [] };
          bias[i] = 1n << BigInt(scale);
        }
      });
      if (v.kind === "signal") off += (aligned[k++] as QTensor).lo.length;
    }
    return [{ kind: "signal", q: ctx.affine(name, shape, aligned, rows, bias, scale) }];
  },
};

/** x^p for one constant exponent p. */
function powerOf(ctx: LowerCtx, x: QTensor, p: number, name: string): Value {
  if (!Number.isFinite(p)) ctx.error("unsupported-op", `exponent ${p} is not supported`);
  const integer = Number.isInteger(p) && Math.abs(p) <= MAX_EXPONENT;
  if (!integer && Math.abs(p) !== 0.5) return { kind: "signal", q: realPower(ctx, x, p) };
  if (p === 0)
    return {
      kind: "const",
      t: { dtype: "float32", shape: x.shape, data: new Float64Array(x.lo.length).fill(1) },
    };
  const base =
    Math.abs(p) === 0.5
      ? squareRoot(ctx, x, p < 0 ? `${name}/sqrt` : undefined)
      : power(ctx, x, Math.abs(p), name);
  if (p > 0) return { kind: "signal", q: base };
  return { kind: "signal", q: divide(ctx, { kind: "const", t: ONE }, base, x.shape, name) };
}

/** x^p for an integer p >= 1 by square-and-multiply. */
function power(ctx: LowerCtx, x: QTensor, p: number, name: string): QTensor {
  let result: QTensor | undefined;
  let base = x;
  for (let n = p; n > 0; n >>= 1) {
    if (n & 1) result = result ? multiply(ctx, result, base, x.shape, name) : base;
    if (n > 1) base = multiply(ctx, base, base, x.shape, `${name}/sq`);
  }
  return result ?? x;
}

/** x^p for any other real p, over a base proven positive. */
function realPower(ctx: LowerCtx, x: QTensor, p: number): QTensor {
  const reject = (lo: number, _hi: number, unit: number) =>
    lo >= unit
      ? undefined
      : {
          message: `exponent ${p} is not supported for a base that can be ${lo} (<= 0 at scale 2^${-Math.log2(unit)}) within the range its inputs are checked to`,
          hint: `zkmlc supports integer exponents up to ${MAX_EXPONENT} in magnitude and ±0.5 for any base, other exponents for a base proven positive: check the calibrated range or what feeds the Pow`,
        };
  return approxOverRange(ctx, { f: (v) => v ** p, maxBits: 18, reject, key: `Pow ${p}` }, x);
}

import type { CmpPrim, QTensor } from "../../ir.js";
import type { LowerCtx } from "../../lower.js";
import { constantSignal, linear } from "../../prims/basic.js";
import { cmp } from "../../prims/cmp.js";
import { div } from "../../prims/div.js";
import { mul } from "../../prims/mul.js";

/**
 * floor(dir·X / 2^k) of a tensor's integers X (dir ±1), through the rescale prim: for any integer Z,
 * (2Z − 2^k + 1) / 2^(k+1) = Z/2^k − 1/2 + 2^-(k+1) is never a rounding tie (odd numerator), so rounding it
 * to the nearest integer gives exactly floor(Z / 2^k). Cost: a bare rescale by k + 1 of a value one bit
 * wider than X (its width + 2 constraints). The result is an integer tensor at scale 0 (error set by the
 * caller).
 */
export function floorShift(ctx: LowerCtx, x: QTensor, k: number, dir: 1 | -1, name: string): QTensor {
  const n = x.lo.length;
  const rows = Array.from({ length: n }, (_, i) => ({ idx: Int32Array.of(i), coef: [BigInt(2 * dir)] }));
  const bias = new Array<bigint>(n).fill(1n - (1n << BigInt(k)));
  const y = ctx.affine(`${name}/floor_arg`, x.shape, [x], rows, bias, k + 1);
  return ctx.rescale(y, k + 1, false, name);
}

/**
 * floor(dir·X / d[i]) of a tensor's integers X for divisors d[i] >= 1: constants that are one power of two
 * take floorShift, other constants the div prim by a constant signal (quotient width + 2·divisor width +
 * 1), a signal (integers proven >= 1, one per element) the div prim (one constraint more).
 */
function floorDivBy(ctx: LowerCtx, x: QTensor, d: bigint[] | QTensor, dir: 1 | -1, name: string): QTensor {
  const constant = Array.isArray(d);
  const d0 = constant ? (d[0] ?? 1n) : 0n;
  if (constant && d.every((v) => v === d0) && (d0 & (d0 - 1n)) === 0n)
    return floorShift(ctx, x, d0.toString(2).length - 1, dir, name);
  const num = linear(ctx, [x], (i) => [[i, BigInt(dir)]], 0n, x.shape, `${name}/num`, 0);
  const den = constant ? constantSignal(ctx, d, 0, x.shape) : d;
  return div(ctx, num, den, 0, new Float64Array(x.lo.length), x.shape, name, constant);
}

/**
 * trunc(X / d[i]) (toward zero, as ONNX integer Div and Cast to an integer do) of a tensor's integers X,
 * d[i] >= 1 constants or a signal of integers proven >= 1 (floorDivBy), exact: a floor where the bounds prove X >= 0, a ceil (−floor(−X/d)) where they prove
 * X <= 0, else ceil + [X >= 0]·(floor − ceil) with a sign test and one product. An integer tensor at
 * scale 0; the caller sets its error.
 */
export function truncDiv(ctx: LowerCtx, x: QTensor, d: bigint[] | QTensor, name: string): QTensor {
  const lo = x.lo.reduce((a, b) => (b < a ? b : a));
  const hi = x.hi.reduce((a, b) => (b > a ? b : a));
  const n = x.lo.length;
  const floorOf = () => floorDivBy(ctx, x, d, 1, `${name}/floor`);
  const ceilOf = () => {
    const f = floorDivBy(ctx, x, d, -1, `${name}/neg_floor`);
    return linear(ctx, [f], (i) => [[i, -1n]], 0n, x.shape, `${name}/ceil`, 0);
  };
  if (lo >= 0n) return floorOf();
  if (hi <= 0n) return ceilOf();
  const f = floorOf();
  const c = ceilOf();
  const s = cmp(ctx, x, "nonneg", x.shape, `${name}/nonneg`);
  const diff = linear(
    ctx,
    [f, c],
    (i) => [
      [i, 1n],
      [n + i, -1n],
    ],
    0n,
    x.shape,
    `${name}/diff`,
    0,
  );
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  const p = mul(ctx, s, idx, diff, idx, x.shape, `${name}/pick`);
  return linear(
    ctx,
    [c, p],
    (i) => [
      [i, 1n],
      [n + i, 1n],
    ],
    0n,
    x.shape,
    name,
    0,
  );
}

/** |floor(a) − floor(b)| (also ceil, round) for |a − b| <= e: at most floor(e) + 1, and 0 when e = 0. */
export function integerPartError(e: number): number {
  return e === 0 ? 0 : Math.floor(e) + 1;
}

/**
 * Round half to even of X / 2^s (s >= 1), exactly: with Y = X + 2^(s−1), w = floor(Y / 2^(s+1)) and
 * rem = Y − w·2^(s+1) ∈ [0, 2^(s+1)), the result is 2w + [rem >= 2^s + 1] (rem = 2^s is a tie whose
 * lower neighbour 2w is even). w costs one floorShift (X's width + 3), the test an s + 2 bit sign test
 * of rem − 2^s − 1 ∈ [−2^s − 1, 2^s − 2] (its range follows from w being the exact floor).
 */
export function roundHalfEven(ctx: LowerCtx, x: QTensor, name: string): QTensor {
  const s = x.scale;
  const n = x.lo.length;
  const w = floorShiftOf(ctx, x, s, name);
  // d = X − 2^(s−1) − 1 − w·2^(s+1) = rem − 2^s − 1 (free)
  const rows = Array.from({ length: n }, (_, i) => ({
    idx: Int32Array.of(i, n + i),
    coef: [1n, -(1n << BigInt(s + 1))],
  }));
  const bias = new Array<bigint>(n).fill(-(1n << BigInt(s - 1)) - 1n);
  const d = ctx.affine(`${name}/rem`, x.shape, [x, w], rows, bias, s);
  const prim: Omit<CmpPrim, "out"> = {
    kind: "cmp",
    in: d.id,
    test: "nonneg",
    bits: new Array(n).fill(s + 2),
  };
  const up = ctx.addPrim(prim, {
    onnxName: `${name}/up`,
    shape: x.shape,
    scale: 0,
    lo: new Array(n).fill(0n),
    hi: new Array(n).fill(1n),
    err: new Float64Array(n),
  });
  const out = ctx.affine(
    name,
    x.shape,
    [w, up],
    Array.from({ length: n }, (_, i) => ({ idx: Int32Array.of(i, n + i), coef: [2n, 1n] })),
    new Array(n).fill(0n),
    0,
  );
  out.err.set(x.err.map(integerPartError));
  return out;
}

/** w = floor((X + 2^(s−1)) / 2^(s+1)): floorShift's construction with Z = X + 2^(s−1), k = s + 1. */
function floorShiftOf(ctx: LowerCtx, x: QTensor, s: number, name: string): QTensor {
  const n = x.lo.length;
  // 2Z − 2^(s+1) + 1 = 2X − 2^s + 1
  const rows = Array.from({ length: n }, (_, i) => ({ idx: Int32Array.of(i), coef: [2n] }));
  const bias = new Array<bigint>(n).fill(1n - (1n << BigInt(s)));
  const y = ctx.affine(`${name}/half_floor_arg`, x.shape, [x], rows, bias, s + 2);
  return ctx.rescale(y, s + 2, false, `${name}/half_floor`);
}

import type { CmpPrim, QTensor } from "../3-quantize/ir.js";
import type { LowerCtx } from "../3-quantize/lower.js";

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

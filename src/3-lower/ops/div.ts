import type { ConstTensor } from "../../1-decode/graph.js";
import { numel } from "../../1-decode/graph.js";
import type { AffinePrim, QTensor } from "../ir.js";
import { LowerCtx, type Value } from "../lower.js";
import { constantSignal, linear } from "../prims/basic.js";
import { div as divPrim } from "../prims/div.js";
import { broadcastIndex } from "./lib/broadcast.js";
import { binaryInputs, broadcastTo, exactScale, mapConst, weightedSum } from "./lib/elementwise.js";
import { integerPartError, truncDiv } from "./lib/integer-part.js";
import type { OpSpec } from "./op.js";

/**
 * Div with numpy broadcasting. On integer tensors, truncating division (integerDivide).
 * - by a constant: multiply by its reciprocal, free (exact scale when 1/c is a power of two, else the
 *   param scale). A zero divisor is an error.
 * - by a signal: the div prim (circuits/division.circom), NQ + 2·NR + 1 constraints per element (quotient
 *   and divisor widths): q = floor((2·a·2^k + |b|) / (2·|b|)) = a/b rounded half up at the output scale
 *   s = max(ws, s_a − s_b), k = s + s_b − s_a. Every divisor element must be proven positive or proven
 *   negative over the calibrated range (a negative one is negated, free), else a clear error.
 */
export const div: OpSpec = {
  opType: "Div",
  summary:
    "numpy broadcasting; ÷ constant free, ÷ signal via the div prim (divisor proven ≠ 0); integers truncate, exactly",
  lower(ctx: LowerCtx): Value[] {
    const { a, b, shape } = binaryInputs(ctx);
    if (ctx.integerTyped) return [{ kind: "signal", q: integerDivide(ctx, a, b, shape) }];
    if (b.kind === "const") {
      if (a.kind !== "signal") return ctx.error("bug", "Div without a signal operand");
      if (b.t.data.some((v) => v === 0))
        ctx.error("non-finite", "division by a constant 0", "the divisor constant holds a zero");
      return [{ kind: "signal", q: weightedSum(ctx, [{ q: a.q, w: mapConst(b.t, (v) => 1 / v) }], shape) }];
    }
    return [{ kind: "signal", q: divide(ctx, a, b.q, shape) }];
  },
};

/**
 * ONNX Div on integer tensors truncates toward zero, exactly: trunc(a / |b|) (truncDiv), then the sign of
 * a negative divisor applied for free. A signal divisor must be proven positive or proven negative per
 * element and exact (its |B| becomes the div prim's divisor); at scales s_a, s_b the quotient is
 * trunc(A·2^s_b / (|B|·2^s_a)), both sides integers. A constant numerator over a signal divisor is a
 * constant signal.
 */
function integerDivide(ctx: LowerCtx, a: Value, b: Value, shape: number[]): QTensor {
  const n = numel(shape);
  const name = ctx.node.outputs[0] ?? "";
  let x =
    a.kind === "signal"
      ? broadcastTo(ctx, a.q, shape)
      : constantSignal(
          ctx,
          Array.from(broadcastIndex(shape, a.t.shape), (j) => BigInt(a.t.data[j] as number)),
          0,
          shape,
        );
  let neg: boolean[];
  let den: bigint[] | QTensor;
  let dmin: number[];
  if (b.kind === "const") {
    const c = Array.from(broadcastIndex(shape, b.t.shape), (j) => {
      const v = b.t.data[j] as number;
      if (v === 0)
        ctx.error("non-finite", "integer division by a constant 0", "the divisor constant holds a zero");
      if (!Number.isInteger(v)) ctx.error("bug", `integer divisor ${v} is not an integer`);
      return BigInt(v);
    });
    neg = c.map((v) => v < 0n);
    const abs = c.map((v) => (v < 0n ? -v : v));
    den = abs.map((v) => v << BigInt(x.scale));
    dmin = abs.map(Number);
  } else {
    const bi = broadcastIndex(shape, b.q.shape);
    neg = Array.from(bi, (j) => {
      if ((b.q.lo[j] as bigint) >= 1n) return false;
      if ((b.q.hi[j] as bigint) <= -1n) return true;
      return ctx.error(
        "unsupported-op",
        `the integer divisor can be 0 within the range its inputs are checked to (element ${j} lies in [${Number(b.q.lo[j]) / 2 ** b.q.scale}, ${Number(b.q.hi[j]) / 2 ** b.q.scale}])`,
        "zkmlc divides by signals proven positive or proven negative; narrow the calibrated input range",
      );
    });
    if (Array.from(bi).some((j) => (b.q.err[j] as number) > 0))
      ctx.error(
        "unsupported-op",
        "the integer divisor carries quantization error, so the truncated quotient could differ from the model's",
        "compute the divisor with integer-typed ops only",
      );
    const sa = BigInt(x.scale);
    den = linear(
      ctx,
      [b.q],
      (i) => [[bi[i] as number, (neg[i] ? -1n : 1n) << sa]],
      0n,
      shape,
      `${name}/den`,
      0,
    );
    dmin = Array.from(
      bi,
      (j, i) => Number(neg[i] ? -(b.q.hi[j] as bigint) : (b.q.lo[j] as bigint)) / 2 ** b.q.scale,
    );
    if (b.q.scale > 0) {
      const k = 1n << BigInt(b.q.scale);
      x = linear(ctx, [x], (i) => [[i, k]], 0n, shape, `${name}/num`, x.scale + b.q.scale);
    }
  }
  const anyNeg = neg.some((v) => v);
  const q = truncDiv(ctx, x, den, anyNeg ? `${name}/abs` : name);
  const y = anyNeg ? linear(ctx, [q], (i) => [[i, neg[i] ? -1n : 1n]], 0n, shape, name, 0) : q;
  for (let i = 0; i < n; i++) y.err[i] = integerPartError((x.err[i] as number) / (dmin[i] as number));
  return y;
}

/**
 * a / b for a signal divisor b (see `div`), broadcast to `shape`; a may be a constant (Reciprocal, 1/x).
 * Error: 2^-(s+1) for the rounding plus the propagated input errors, e_a/(|b|−e_b) + |a|·e_b/(|b|(|b|−e_b))
 * with |b| the smallest proven divisor magnitude; a divisor within its own error of zero is an error.
 */
export function divide(ctx: LowerCtx, a: Value, b: QTensor, shape: number[], name?: string): QTensor {
  const n = numel(shape);
  const bi = broadcastIndex(shape, b.shape);
  const sign = Array.from(bi, (j) => {
    if ((b.lo[j] as bigint) >= 1n) return 1n;
    if ((b.hi[j] as bigint) <= -1n) return -1n;
    return ctx.error(
      "unsupported-op",
      `the divisor can be 0 within the range its inputs are checked to (element ${j} lies in [${Number(b.lo[j]) / 2 ** b.scale}, ${Number(b.hi[j]) / 2 ** b.scale}])`,
      "zkmlc divides by signals proven positive or proven negative; narrow the calibrated input range",
    );
  });
  // The numerator's integer values: a signal, or a constant quantized at its exact (or the param) scale.
  let num: { scale: number; q?: QTensor; c?: { q: bigint[]; err: Float64Array } };
  let ai: Int32Array;
  if (a.kind === "signal") {
    num = { scale: a.q.scale, q: a.q };
    ai = broadcastIndex(shape, a.q.shape);
  } else {
    const scale = exactScale(a.t.data, ctx.scales.paramScale);
    num = { scale, c: ctx.quantize(a.t, scale, "the numerator") };
    ai = broadcastIndex(shape, a.t.shape);
  }
  const scale = Math.max(ctx.workScale, num.scale - b.scale);
  const k = BigInt(scale + b.scale - num.scale);
  // num' = 2^(k+1)·(±a) + |b|, den' = 2·|b| (free affine maps over [a?, b]).
  const ins = num.q ? [num.q, b] : [b];
  const off = num.q ? num.q.lo.length : 0;
  const numRows: AffinePrim["rows"] = [];
  const denRows: AffinePrim["rows"] = [];
  const bias: bigint[] = [];
  for (let i = 0; i < n; i++) {
    const s = sign[i] as bigint;
    const j = bi[i] as number;
    const aj = ai[i] as number;
    numRows.push(
      num.q
        ? { idx: Int32Array.of(aj, off + j), coef: [s << (k + 1n), s] }
        : { idx: Int32Array.of(j), coef: [s] },
    );
    denRows.push({ idx: Int32Array.of(j), coef: [2n * s] });
    bias.push(num.c ? (s * (num.c.q[aj] as bigint)) << (k + 1n) : 0n);
  }
  const base = name ?? ctx.node.outputs[0] ?? "";
  const zeros = new Array<bigint>(n).fill(0n);
  const numT = ctx.affine(`${base}/num`, shape, ins, numRows, bias, scale + b.scale + 1);
  const denT = ctx.affine(`${base}/den`, shape, [b], denRows, zeros, b.scale + 1);
  const err = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const j = bi[i] as number;
    const bl = b.lo[j] as bigint;
    const bh = b.hi[j] as bigint;
    const bmin = Number(bl > 0n ? bl : -bh) / 2 ** b.scale;
    const eb = b.err[j] as number;
    if (bmin <= eb)
      ctx.error(
        "unsupported-op",
        `the divisor (element ${j}, |b| >= ${bmin}) is within its error bound ${eb} of zero`,
        "raise --input-scale or narrow the calibrated input range",
      );
    const ea = num.q ? (num.q.err[ai[i] as number] as number) : (num.c?.err[ai[i] as number] as number);
    const amag = num.q
      ? LowerCtx.magnitude(num.q, ai[i] as number)
      : Math.abs(Number(num.c?.q[ai[i] as number] ?? 0n)) / 2 ** num.scale + ea;
    err[i] = 2 ** -(scale + 1) + ea / (bmin - eb) + (amag * eb) / (bmin * (bmin - eb));
  }
  return divPrim(ctx, numT, denT, scale, err, shape, name);
}

/** The constant 1 (Reciprocal's numerator). */
export const ONE: ConstTensor = { dtype: "float64", shape: [], data: Float64Array.of(1) };

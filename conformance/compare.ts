/**
 * Circuit output vs reference output. The tolerance of element i is the plan's proven error bound for it
 * (quantization and approximation error over the calibrated range, tensors[...].err) plus slack for the
 * reference's own rounding: its values were computed in float32 (float16) and rounded to it, while the
 * bound compares with the exact real result.
 */
import type { DType } from "../src/1-decode/graph.js";

/** Relative rounding slack of a reference value of this type (integer and bool references are exact). */
export function referenceSlack(dtype: DType | undefined, want: number): number {
  switch (dtype) {
    case "float16":
      return 2 ** -10 * Math.max(1, Math.abs(want));
    case "int8":
    case "int16":
    case "int32":
    case "int64":
    case "uint8":
    case "uint16":
    case "uint32":
    case "uint64":
    case "bool":
      return 0;
    default:
      // float32 (and float64 / EZKL's JSON): about 80 ulps of float32, for accumulated rounding.
      return 1e-5 * Math.max(1, Math.abs(want));
  }
}

export interface Comparison {
  ok: boolean;
  maxError: number;
  /** Tolerance of the element with the largest error. */
  tolerance: number;
  errorBound: number;
  /** The first problem found, for the report. */
  detail?: string;
}

export interface Expected {
  name: string;
  shape?: number[];
  dtype?: DType;
  data: ArrayLike<number>;
}

export interface Actual {
  shape: number[];
  values: number[];
  err: ArrayLike<number>;
}

const fmt = (v: number) => Number(v.toPrecision(6)).toString();

export function compareOutputs(actual: Actual[], expected: Expected[]): Comparison {
  let maxError = 0;
  let tolAtMax = 0;
  let errorBound = 0;
  // The element that exceeds its tolerance most (or the largest error when none does).
  let worst = { excess: Number.NEGATIVE_INFINITY, tol: 0, at: "" };
  if (actual.length !== expected.length)
    return {
      ok: false,
      maxError: Number.NaN,
      tolerance: Number.NaN,
      errorBound: Number.NaN,
      detail: `${actual.length} outputs, expected ${expected.length}`,
    };
  for (let k = 0; k < expected.length; k++) {
    const a = actual[k] as Actual;
    const e = expected[k] as Expected;
    if (e.shape && a.shape.join(",") !== e.shape.join(",")) {
      return {
        ok: false,
        maxError: Number.NaN,
        tolerance: Number.NaN,
        errorBound: Number.NaN,
        detail: `output "${e.name}" has shape [${a.shape}], expected [${e.shape}]`,
      };
    }
    if (a.values.length !== e.data.length) {
      return {
        ok: false,
        maxError: Number.NaN,
        tolerance: Number.NaN,
        errorBound: Number.NaN,
        detail: `output "${e.name}" has ${a.values.length} values, expected ${e.data.length}`,
      };
    }
    for (let i = 0; i < a.values.length; i++) {
      const want = e.data[i] as number;
      const got = a.values[i] as number;
      const bound = a.err[i] as number;
      const tol = bound + referenceSlack(e.dtype, want);
      const err = Math.abs(got - want);
      if (err >= maxError) [maxError, tolAtMax] = [err, tol];
      errorBound = Math.max(errorBound, bound);
      if (err - tol > worst.excess)
        worst = { excess: err - tol, tol, at: `"${e.name}"[${i}] = ${fmt(got)}, expected ${fmt(want)}` };
    }
  }
  const ok = worst.excess <= 0 || worst.excess === Number.NEGATIVE_INFINITY;
  return {
    ok,
    maxError,
    tolerance: tolAtMax,
    errorBound,
    ...(ok
      ? {}
      : {
          detail: `${worst.at}: error ${fmt(worst.excess + worst.tol)} > tolerance ${fmt(worst.tol)}`,
        }),
  };
}

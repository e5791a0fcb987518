import type { QTensor } from "../../ir.js";
import type { LowerCtx } from "../../lower.js";
import { approx, toScale } from "../../prims/poly-approx.js";
import { bitsUnsigned } from "../../rounding.js";

/**
 * Elementary functions (trigonometric, hyperbolic, real powers) as one piecewise polynomial over the
 * input's whole bounds, as Log does: no clamping, so a range where the function is undefined or unbounded
 * is an error, and so is one too wide for 2^6 segments of degree 4 to follow.
 */

/** Why a bound can pass the calibrated maximum: the cheap (pow2) range check of an input. */
export const RANGE_CHECK_NOTE =
  " (an input is range-checked to [lo, lo + 2^bits), which can reach past its calibrated maximum; --input-check exact checks the calibrated range itself)";

export interface Rejection {
  message: string;
  hint: string;
}

export interface RangeFunction {
  f: (v: number) => number;
  /**
   * Widest input range in bits at the working scale. approx is given the same limit, so it never
   * rescales the input coarser (which would lose accuracy silently).
   */
  maxBits: number;
  /** Why f cannot be approximated on the real range [lo, hi] (unit = 2^-s, the input's resolution). */
  reject?: (lo: number, hi: number, unit: number) => Rejection | undefined;
  /** Names f for reusing fits across nodes (default: the op type). */
  key?: string;
}

/** f(x) for signal input 0 (or x0), at the working scale; the measured error is in the output's bound. */
export function approxOverRange(ctx: LowerCtx, spec: RangeFunction, x0 = ctx.signal(0)): QTensor {
  const x = toScale(ctx, x0, ctx.workScale);
  const lo = x.lo.reduce((a, b) => (b < a ? b : a));
  const hi = x.hi.reduce((a, b) => (b > a ? b : a));
  const unit = 2 ** -x.scale;
  const range = `[${Number(lo) * unit}, ${Number(hi) * unit}]`;
  const why = spec.reject?.(Number(lo) * unit, Number(hi) * unit, unit);
  if (why) ctx.error("unsupported-op", why.message, why.hint);
  const bits = bitsUnsigned(hi - lo);
  if (bits > spec.maxBits)
    ctx.error(
      "unsupported-op",
      `the input range ${range} needs ${bits} bits at scale 2^${x.scale}; ${ctx.node.opType} fits at most ${spec.maxBits}`,
      "narrow the calibrated input range or lower --input-scale",
    );
  return approx(ctx, x, spec.f, { maxInputBits: spec.maxBits, key: spec.key ?? ctx.node.opType });
}

/**
 * The rejection of a range not within where f is finite: [min, max], both ends excluded where f is
 * unbounded there (`open`); max may be Infinity.
 */
export function definedOn(
  name: string,
  min: number,
  max: number,
  open = false,
): (lo: number, hi: number, unit: number) => Rejection | undefined {
  const ends = `${open ? "(" : "["}${min}, ${Number.isFinite(max) ? max : "∞"}${open || !Number.isFinite(max) ? ")" : "]"}`;
  return (lo, hi, unit) => {
    const below = open ? lo <= min : lo < min;
    const above = open ? hi >= max : hi > max;
    if (!below && !above) return undefined;
    const op = name[0]?.toUpperCase() + name.slice(1);
    return {
      message: `the input range [${lo}, ${hi}] (at scale 2^${-Math.log2(unit)}) reaches ${below ? lo : hi}, outside ${ends} where ${name} is ${open ? "finite" : "defined"}`,
      hint: `${op} needs an input proven within ${ends}: check the calibrated range or what feeds the ${op}${RANGE_CHECK_NOTE}`,
    };
  };
}

/** The rejection of inputs beyond ±limit, where f (growing like e^|x|) is too large to approximate. */
export function growthLimit(name: string, limit: number): (lo: number, hi: number) => Rejection | undefined {
  return (lo, hi) => {
    const top = Math.max(-lo, hi);
    if (top <= limit) return undefined;
    const op = name[0]?.toUpperCase() + name.slice(1);
    return {
      message: `the input can reach ${top === hi ? hi : lo} within the range its inputs are checked to; ${name}(${top === hi ? hi : lo}) is too large to approximate`,
      hint: `narrow the calibrated input range so that ${op}'s input stays within [-${limit}, ${limit}]`,
    };
  };
}

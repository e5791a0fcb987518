import type { LowerCtx, Value } from "../lower.js";
import { approxOverRange, RANGE_CHECK_NOTE, type Rejection } from "./lib/elementary.js";
import type { OpSpec } from "./op.js";

/**
 * Tan: a piecewise polynomial over the input range, which must lie inside one branch
 * (kπ − π/2, kπ + π/2) and stay more than one unit (2^-s) from its poles, so that rounding an input
 * cannot cross one. Near a pole tan is steep: the measured error grows (reported, not hidden).
 */
export const tan: OpSpec = {
  opType: "Tan",
  summary: "piecewise polynomial over an input range inside one branch (−π/2, π/2) + kπ; error measured",
  lower(ctx: LowerCtx): Value[] {
    return [{ kind: "signal", q: approxOverRange(ctx, { f: Math.tan, maxBits: 16, reject: nearPole }) }];
  },
};

function nearPole(lo: number, hi: number, unit: number): Rejection | undefined {
  const k = Math.round(lo / Math.PI);
  const m = lo - unit <= (k - 0.5) * Math.PI ? 2 * k - 1 : 2 * k + 1;
  if (m === 2 * k + 1 && hi + unit < (k + 0.5) * Math.PI) return undefined;
  const pole = m === 1 ? "π/2" : m === -1 ? "-π/2" : `${m}π/2`;
  return {
    message: `the input range [${lo}, ${hi}] (at scale 2^${-Math.log2(unit)}) comes within 2^${Math.log2(unit)} of ${pole} = ${((m * Math.PI) / 2).toPrecision(6)}, where tan is unbounded`,
    hint: `Tan needs an input range inside one branch (kπ − π/2, kπ + π/2): check the calibrated range or what feeds the Tan${RANGE_CHECK_NOTE}`,
  };
}

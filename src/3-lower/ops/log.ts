import type { LowerCtx, Value } from "../lower.js";
import { approx, toScale } from "../prims/poly-approx.js";
import { bitsUnsigned } from "../rounding.js";
import type { OpSpec } from "./op.js";

/** Widest input range (bits at the working scale) Log fits a polynomial to. */
const MAX_BITS = 18;

/**
 * Log: the input must be proven positive (its lower bound at the working scale is at least one unit,
 * 2^-s). A piecewise polynomial over the whole input range (log does not saturate): accurate where the
 * range spans few octaves; near 2^-s log is steep and the measured error grows (reported, not hidden).
 * Output at the working scale.
 */
export const log: OpSpec = {
  opType: "Log",
  summary: "input proven positive; piecewise polynomial over the input range; error measured",
  lower(ctx: LowerCtx): Value[] {
    const x = toScale(ctx, ctx.signal(0), ctx.workScale);
    const lo = x.lo.reduce((a, b) => (b < a ? b : a));
    const hi = x.hi.reduce((a, b) => (b > a ? b : a));
    if (lo < 1n)
      ctx.error(
        "unsupported-op",
        `the input can be ${Number(lo) / 2 ** x.scale} (<= 0 at scale 2^${x.scale}) within the range its inputs are checked to, where log is undefined`,
        "Log needs an input proven positive: check the calibrated range or what feeds the Log",
      );
    const bits = bitsUnsigned(hi - lo);
    if (bits > MAX_BITS)
      ctx.error(
        "unsupported-op",
        `the input range [${Number(lo) / 2 ** x.scale}, ${Number(hi) / 2 ** x.scale}] needs ${bits} bits at scale 2^${x.scale}; Log fits at most ${MAX_BITS}`,
        "narrow the calibrated input range or lower --input-scale",
      );
    return [{ kind: "signal", q: approx(ctx, x, Math.log, { maxInputBits: MAX_BITS, key: "Log" }) }];
  },
};

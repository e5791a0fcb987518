import type { LowerCtx, Value } from "../lower.js";
import { approx } from "../prims/poly-approx.js";
import { lowerDomain } from "./lib/activation.js";
import type { OpSpec } from "./op.js";

/** Largest input whose exponential zkmlc approximates (e^40 · 2^s still fits far below the field). */
const MAX_INPUT = 40;

/**
 * Exp: a piecewise polynomial over the input's range, inputs below -L clamped (L ≈ 8 at the default
 * scale: e^-8 = 3.4e-4). It does not saturate above, so the polynomial covers the range up to the input's
 * upper bound; its error is absolute (2^-(s+1) is hard to reach for large outputs: the measured bound is
 * what the tests and settings report). Output at the working scale.
 */
export const exp: OpSpec = {
  opType: "Exp",
  summary: "piecewise polynomial over [-8, max input], clamped below; error measured (absolute)",
  lower(ctx: LowerCtx): Value[] {
    const x = ctx.signal(0);
    const top = x.hi.reduce((m, h) => Math.max(m, Number(h)), -Infinity) / 2 ** x.scale;
    if (top > MAX_INPUT)
      ctx.error(
        "unsupported-op",
        `the input can reach ${top.toPrecision(4)} within the range its inputs are checked to; e^${top.toPrecision(4)} is too large to approximate`,
        `narrow the calibrated input range so that Exp's input stays below ${MAX_INPUT}`,
      );
    const y = approx(ctx, x, Math.exp, {
      domain: [lowerDomain((L) => Math.exp(-L), ctx.workScale), Number.POSITIVE_INFINITY],
      key: "Exp",
    });
    return [{ kind: "signal", q: y }];
  },
};

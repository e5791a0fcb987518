import type { LowerCtx, Value } from "../lower.js";
import { approx } from "../prims/poly-approx.js";
import { symmetricDomain } from "./lib/activation.js";
import type { OpSpec } from "./op.js";

/** erf(x) to ~1e-15: Taylor series for |x| <= 2.5, 1 − erfc beyond. */
export function erf(x: number): number {
  if (Math.abs(x) > 2.5) return Math.sign(x) * (1 - erfc(Math.abs(x)));
  let term = x;
  let sum = x;
  for (let n = 1; n < 100 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

/** erfc(x) = 1 − erf(x), accurate in the tail: a continued fraction (modified Lentz) for x > 2.5. */
export function erfc(x: number): number {
  if (x < 2.5) return 1 - erf(x);
  // erfc(x) = exp(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))
  const tiny = 1e-300;
  let f = x;
  let C = x;
  let D = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    D = x + a * D;
    D = D === 0 ? tiny : 1 / D;
    C = x + a / C;
    if (C === 0) C = tiny;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/**
 * Erf: a piecewise polynomial on [-L, L) (L = 4 at the default scale; 1 − erf(3) = 2.2e-5), inputs beyond
 * clamped where that is cheaper than covering them. Scales as Sigmoid's.
 */
export const erfOp: OpSpec = {
  opType: "Erf",
  summary: "piecewise polynomial on [-4, 4), saturating outside; ~2^-(s+1) max error",
  lower(ctx: LowerCtx): Value[] {
    const y = approx(ctx, ctx.signal(0), erf, {
      domain: symmetricDomain((L) => erfc(L), ctx.workScale),
      openHigh: true,
      key: "Erf",
    });
    return [{ kind: "signal", q: y }];
  },
};

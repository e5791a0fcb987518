import { polyValue } from "./poly.js";

export interface FitInput {
  /** Integer domain [lo, lo + count) at scale inScale. */
  lo: bigint;
  count: bigint;
  inScale: number;
  segBits: number;
  offBits: number;
  degree: number;
  outScale: number;
}

export interface Fit {
  /** Per segment, integer coefficients at `scale − offBits·degree` (see PolyPrim). */
  coef: bigint[][];
  scale: number;
  min: bigint;
  max: bigint;
  /** max |poly − f| over every integer input of the domain, in real units. */
  maxError: number;
  /** max |f'| over the domain, from finite differences on the integer grid. */
  lipschitz: number;
}

/** Guard bits of the coefficients beyond the output scale, so their rounding stays far below it. */
const GUARD_BITS = 6;

/**
 * Least-squares polynomial per segment in τ = t / 2^offBits ∈ [0, 1), then coefficients rounded to
 * integers. Least squares (not minimax) keeps the fit simple and deterministic; the bound that matters
 * is measured afterwards over every reachable input.
 */
export function fitSegments(f: (v: number) => number, q: FitInput): Fit {
  const seg = 2 ** q.offBits;
  const count = Number(q.count);
  const P = q.outScale + GUARD_BITS;
  const scale = P + q.offBits * q.degree;
  const real = (u: number) => (Number(q.lo) + u) / 2 ** q.inScale;
  const coef: bigint[][] = [];
  for (let g = 0; g < 2 ** q.segBits; g++) {
    const start = g * seg;
    if (start >= count) {
      coef.push([...(coef[g - 1] ?? new Array(q.degree + 1).fill(0n))]);
      continue;
    }
    const n = Math.min(seg, count - start);
    const step = Math.max(1, Math.floor(n / 64));
    const pts: [number, number][] = [];
    for (let t = 0; t < n; t += step) pts.push([t / seg, f(real(start + t))]);
    if ((n - 1) % step !== 0) pts.push([(n - 1) / seg, f(real(start + n - 1))]);
    const c = leastSquares(pts, Math.min(q.degree, pts.length - 1));
    while (c.length < q.degree + 1) c.push(0);
    coef.push(c.map((v) => BigInt(Math.round(v * 2 ** P))));
  }
  let maxError = 0;
  let lipschitz = 0;
  let min: bigint | undefined;
  let max: bigint | undefined;
  let prev = f(real(0));
  const p = { lo: q.lo, offBits: q.offBits, coef };
  for (let u = 0; u < count; u++) {
    const y = polyValue(p, q.lo + BigInt(u));
    const fx = f(real(u));
    if (!Number.isFinite(fx)) throw new RangeError(`f is not finite at ${real(u)}`);
    maxError = Math.max(maxError, Math.abs(Number(y) / 2 ** scale - fx));
    if (u > 0) lipschitz = Math.max(lipschitz, Math.abs(fx - prev) * 2 ** q.inScale);
    prev = fx;
    min = min === undefined || y < min ? y : min;
    max = max === undefined || y > max ? y : max;
  }
  return { coef, scale, min: min ?? 0n, max: max ?? 0n, maxError, lipschitz };
}

/** Coefficients c_0..c_d minimizing Σ (Σ c_j x^j − y)² (normal equations, Gaussian elimination). */
export function leastSquares(pts: [number, number][], d: number): number[] {
  const m = d + 1;
  const A = Array.from({ length: m }, () => new Array<number>(m + 1).fill(0));
  for (const [x, y] of pts) {
    const pw = Array.from({ length: m }, (_, j) => x ** j);
    for (let i = 0; i < m; i++) {
      const row = A[i] as number[];
      for (let j = 0; j < m; j++) row[j] = (row[j] as number) + (pw[i] as number) * (pw[j] as number);
      row[m] = (row[m] as number) + (pw[i] as number) * y;
    }
  }
  for (let col = 0; col < m; col++) {
    let piv = col;
    for (let r = col + 1; r < m; r++)
      if (Math.abs((A[r] as number[])[col] as number) > Math.abs((A[piv] as number[])[col] as number))
        piv = r;
    [A[col], A[piv]] = [A[piv] as number[], A[col] as number[]];
    const pr = A[col] as number[];
    const pv = pr[col] as number;
    if (Math.abs(pv) < 1e-300) continue;
    for (let r = 0; r < m; r++) {
      if (r === col) continue;
      const row = A[r] as number[];
      const k = (row[col] as number) / pv;
      for (let j = col; j <= m; j++) row[j] = (row[j] as number) - k * (pr[j] as number);
    }
  }
  return A.map((row, i) => {
    const pv = row[i] as number;
    return Math.abs(pv) < 1e-300 ? 0 : (row[m] as number) / pv;
  });
}

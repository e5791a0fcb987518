import { polyValue } from "./poly.js";

/** Integer domain [lo, lo + count) at scale inScale, cut into 2^segBits segments of 2^offBits inputs. */
export interface Layout {
  lo: bigint;
  count: bigint;
  inScale: number;
  segBits: number;
  offBits: number;
}

export interface FitInput extends Layout {
  degree: number;
  outScale: number;
  /** Bits of the coefficients beyond the output scale (default GUARD_BITS). */
  guardBits?: number;
}

export interface Fit {
  /** Per segment, integer coefficients at `scale − offBits·degree` (see PolyPrim). */
  coef: bigint[][];
  scale: number;
  min: bigint;
  max: bigint;
  /** max |poly − f| over every integer input of the domain, in real units. */
  maxError: number;
  /**
   * max |f(a) − f(b)| / |a − b| over the domain, estimated from the integer grid: each secant slope
   * plus its change to the neighbouring ones (a curvature margin, since the grid can miss the peak).
   */
  lipschitz: number;
}

/** Default guard bits of the coefficients beyond the output scale, so their rounding stays far below it. */
export const GUARD_BITS = 6;

/** Largest number of points one segment's fit looks at (beyond it the points are subsampled). */
const MAX_FIT_POINTS = 512;
/** Lawson iterations: reweighted least squares converging to the minimax fit on the points. */
const LAWSON_ITERATIONS = 16;

/** f at every integer input of the layout's domain; throws a RangeError where f is not finite. */
export function sampleDomain(f: (v: number) => number, q: Layout): Float64Array {
  const count = Number(q.count);
  const values = new Float64Array(count);
  for (let u = 0; u < count; u++) {
    const x = (Number(q.lo) + u) / 2 ** q.inScale;
    const v = f(x);
    if (!Number.isFinite(v)) throw new RangeError(`f is not finite at ${x}`);
    values[u] = v;
  }
  return values;
}

/**
 * Near-minimax real coefficients per segment, in τ = t / 2^offBits ∈ [0, 1) (Lawson's reweighted least
 * squares on the segment's integer inputs). Segments past the domain repeat the last fitted one.
 */
export function fitFloat(values: Float64Array, q: Layout, degree: number): number[][] {
  const seg = 2 ** q.offBits;
  const count = Number(q.count);
  const out: number[][] = [];
  for (let g = 0; g < 2 ** q.segBits; g++) {
    const start = g * seg;
    if (start >= count) {
      out.push([...(out[g - 1] ?? new Array<number>(degree + 1).fill(0))]);
      continue;
    }
    const n = Math.min(seg, count - start);
    const step = Math.max(1, Math.ceil(n / MAX_FIT_POINTS));
    const pts: [number, number][] = [];
    for (let t = 0; t < n; t += step) pts.push([t / seg, values[start + t] as number]);
    if ((n - 1) % step !== 0) pts.push([(n - 1) / seg, values[start + n - 1] as number]);
    const c = minimax(pts, Math.min(degree, pts.length - 1));
    while (c.length < degree + 1) c.push(0);
    out.push(c);
  }
  return out;
}

/** max |Σ c_j τ^j − f| over every input of the domain for real coefficients (before rounding). */
export function floatError(values: Float64Array, q: Layout, real: number[][]): number {
  const seg = 2 ** q.offBits;
  let e = 0;
  for (let u = 0; u < values.length; u++) {
    const c = real[Math.floor(u / seg)] as number[];
    const tau = (u % seg) / seg;
    let acc = 0;
    for (let j = c.length - 1; j >= 0; j--) acc = acc * tau + (c[j] as number);
    e = Math.max(e, Math.abs(acc - (values[u] as number)));
  }
  return e;
}

/**
 * Real coefficients rounded to integers at outScale + guardBits, and the result measured: the exact
 * integer polynomial is evaluated at every input of the domain and compared with f there.
 */
export function quantizeFit(
  values: Float64Array,
  q: Layout,
  real: number[][],
  outScale: number,
  guardBits = GUARD_BITS,
): Fit {
  const degree = (real[0]?.length ?? 1) - 1;
  const P = outScale + guardBits;
  const scale = P + q.offBits * degree;
  const coef = real.map((c) => c.map((v) => BigInt(Math.round(v * 2 ** P))));
  const ys = polyValues(q, coef);
  let maxError = 0;
  let min: bigint | undefined;
  let max: bigint | undefined;
  ys.forEach((y, u) => {
    maxError = Math.max(maxError, Math.abs(Number(y) / 2 ** scale - (values[u] as number)));
    min = min === undefined || y < min ? y : min;
    max = max === undefined || y > max ? y : max;
  });
  return { coef, scale, min: min ?? 0n, max: max ?? 0n, maxError, lipschitz: lipschitz(values, q.inScale) };
}

/**
 * polyValue at every input of the domain. When every Horner partial sum stays below 2^53 in magnitude
 * (|acc_j| <= (d+1)·max|c|·2^(w·d)), doubles compute the same integers faster than bigints.
 */
export function polyValues(q: Layout, coef: bigint[][]): bigint[] {
  const count = Number(q.count);
  const d = (coef[0]?.length ?? 1) - 1;
  const w = q.offBits;
  let maxC = 0n;
  for (const c of coef) for (const v of c) maxC = v < 0n ? (-v > maxC ? -v : maxC) : v > maxC ? v : maxC;
  const p = { lo: q.lo, offBits: w, coef };
  if (BigInt(d + 1) * maxC * (1n << BigInt(w * d)) >= 1n << 53n)
    return Array.from({ length: count }, (_, u) => polyValue(p, q.lo + BigInt(u)));
  const cf = coef.map((c) => c.map(Number));
  const seg = 2 ** w;
  const out: bigint[] = new Array(count);
  for (let u = 0; u < count; u++) {
    const c = cf[Math.floor(u / seg)] as number[];
    const t = u % seg;
    let acc = c[d] as number;
    for (let j = d - 1; j >= 0; j--) acc = (c[j] as number) * 2 ** (w * (d - j)) + t * acc;
    out[u] = BigInt(acc);
  }
  return out;
}

/** Fit f on the layout with the given degree and guard bits (sample, fit, round, measure). */
export function fitSegments(f: (v: number) => number, q: FitInput): Fit {
  const values = sampleDomain(f, q);
  return quantizeFit(values, q, fitFloat(values, q, q.degree), q.outScale, q.guardBits);
}

/** Secant slopes of the grid values, each widened by its change to the neighbouring slopes. */
export function lipschitz(values: ArrayLike<number>, inScale: number): number {
  const h = 2 ** inScale;
  const s = (k: number) => Math.abs((values[k + 1] as number) - (values[k] as number)) * h;
  let L = 0;
  for (let k = 0; k + 1 < values.length; k++) {
    const here = s(k);
    const prev = k > 0 ? s(k - 1) : here;
    const next = k + 2 < values.length ? s(k + 1) : here;
    L = Math.max(L, here + Math.max(Math.abs(here - prev), Math.abs(next - here)));
  }
  return L;
}

/**
 * Lawson's algorithm: weighted least squares whose weights grow with the residuals, converging to the
 * discrete minimax polynomial. Returns the best (smallest max residual) iterate.
 */
export function minimax(pts: [number, number][], d: number): number[] {
  const m = d + 1;
  const n = pts.length;
  // Powers x^j of every point, row-major: the normal equations are rebuilt from them each iteration.
  const pw = new Float64Array(n * m);
  const ys = new Float64Array(n);
  pts.forEach(([x, y], k) => {
    ys[k] = y;
    let v = 1;
    for (let j = 0; j < m; j++, v *= x) pw[k * m + j] = v;
  });
  const w = new Float64Array(n).fill(1 / n);
  const residual = (c: number[], k: number): number => {
    let acc = 0;
    for (let j = 0; j < m; j++) acc += (c[j] as number) * (pw[k * m + j] as number);
    return Math.abs(acc - (ys[k] as number));
  };
  const maxRes = (c: number[]) => {
    let e = 0;
    for (let k = 0; k < n; k++) e = Math.max(e, residual(c, k));
    return e;
  };
  let c = solveNormal(pw, ys, w, m);
  let best = c;
  let bestErr = maxRes(c);
  for (let it = 0; it < LAWSON_ITERATIONS && bestErr > 0; it++) {
    let total = 0;
    for (let k = 0; k < n; k++) {
      w[k] = (w[k] as number) * residual(c, k);
      total += w[k] as number;
    }
    if (!(total > 0)) break;
    for (let k = 0; k < n; k++) w[k] = (w[k] as number) / total;
    c = solveNormal(pw, ys, w, m);
    const e = maxRes(c);
    if (e < bestErr) {
      best = c;
      bestErr = e;
    }
  }
  return best;
}

/** Coefficients c_0..c_d minimizing Σ w·(Σ c_j x^j − y)² (normal equations, Gaussian elimination). */
export function leastSquares(pts: [number, number][], d: number, weights?: ArrayLike<number>): number[] {
  const m = d + 1;
  const pw = new Float64Array(pts.length * m);
  const ys = Float64Array.from(pts, (p) => p[1]);
  pts.forEach(([x], k) => {
    let v = 1;
    for (let j = 0; j < m; j++, v *= x) pw[k * m + j] = v;
  });
  return solveNormal(pw, ys, weights ?? new Float64Array(pts.length).fill(1), m);
}

function solveNormal(pw: Float64Array, ys: Float64Array, w: ArrayLike<number>, m: number): number[] {
  const A = Array.from({ length: m }, () => new Array<number>(m + 1).fill(0));
  for (let k = 0; k < ys.length; k++) {
    const wk = w[k] as number;
    if (wk === 0) continue;
    for (let i = 0; i < m; i++) {
      const row = A[i] as number[];
      const a = wk * (pw[k * m + i] as number);
      for (let j = 0; j < m; j++) row[j] = (row[j] as number) + a * (pw[k * m + j] as number);
      row[m] = (row[m] as number) + a * (ys[k] as number);
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

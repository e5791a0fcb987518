import type { Fit, Fits, ModelResult, Stats } from "./types.js";

/** Median (the lower middle of an even count, so it is a measured value), min and max. */
export function stats(xs: readonly number[]): Stats {
  if (xs.length === 0) throw new RangeError("stats of no values");
  const s = [...xs].sort((a, b) => a - b);
  return {
    median: s[Math.floor((s.length - 1) / 2)] as number,
    min: s[0] as number,
    max: s[s.length - 1] as number,
  };
}

const MIN_LOG_SPAN = Math.log10(2);

/**
 * Least squares on the logs: y ≈ 10^c · x^exponent. The exponent is the growth order (1 = linear).
 * Undefined unless the positive x span at least a factor of two: over a narrower range (the two
 * examples have almost the same parameter count) the slope is noise, not a growth order.
 */
export function fitLogLog(points: readonly { x: number; y: number }[]): Fit | undefined {
  const p = points.filter((q) => q.x > 0 && q.y > 0).map((q) => ({ x: Math.log10(q.x), y: Math.log10(q.y) }));
  const n = p.length;
  if (n < 2) return undefined;
  const xs = p.map((q) => q.x);
  if (Math.max(...xs) - Math.min(...xs) < MIN_LOG_SPAN) return undefined;
  const mx = p.reduce((s, q) => s + q.x, 0) / n;
  const my = p.reduce((s, q) => s + q.y, 0) / n;
  const sxx = p.reduce((s, q) => s + (q.x - mx) ** 2, 0);
  const sxy = p.reduce((s, q) => s + (q.x - mx) * (q.y - my), 0);
  const syy = p.reduce((s, q) => s + (q.y - my) ** 2, 0);
  const exponent = sxy / sxx;
  return {
    exponent,
    intercept: my - exponent * mx,
    r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy),
    points: n,
  };
}

type Pick = (m: ModelResult) => number | undefined;

function fitByFamily(models: ModelResult[], fx: Pick, fy: Pick): Record<string, Fit> {
  const ok = models.filter((m) => m.status === "ok");
  const out: Record<string, Fit> = {};
  const point = (m: ModelResult) => ({ x: fx(m) ?? 0, y: fy(m) ?? 0 });
  for (const family of [...new Set(ok.map((m) => m.family))].sort()) {
    const f = fitLogLog(ok.filter((m) => m.family === family).map(point));
    if (f) out[family] = f;
  }
  const all = fitLogLog(ok.map(point));
  if (all) out.all = all;
  return out;
}

/** Growth exponents per family and over all models that ran. */
export function fitReport(models: ModelResult[]): Fits {
  const prove = (m: ModelResult) => m.time?.prove.median;
  const params = (m: ModelResult) => m.parameters;
  const constraints = (m: ModelResult) => m.constraints;
  return {
    proveVsParameters: fitByFamily(models, params, prove),
    constraintsVsParameters: fitByFamily(models, params, constraints),
    proveVsConstraints: fitByFamily(models, constraints, prove),
  };
}

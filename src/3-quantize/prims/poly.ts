import type { PolyPrim, QTensor } from "../ir.js";
import type { LowerCtx } from "../lower.js";
import { constantSignal, negate } from "./basic.js";
import { max } from "./max.js";
import { fitSegments } from "./poly-fit.js";

/**
 * Monomials of the segment bits that the coefficient selection needs: Möbius transform of each
 * degree's coefficient table (integers, since the table is), keeping masks of size >= 2 with a
 * non-zero coefficient and every prefix they are built from (mono[S] = mono[S − top bit] · bit).
 */
export function selectionCoefficients(coef: bigint[][]): { lambda: bigint[][]; monomials: number[] } {
  const segs = coef.length;
  const d = (coef[0]?.length ?? 1) - 1;
  const lambda: bigint[][] = [];
  for (let j = 0; j <= d; j++) {
    const l = coef.map((c) => c[j] as bigint);
    for (let bit = 1; bit < segs; bit <<= 1)
      for (let s = 0; s < segs; s++) if (s & bit) l[s] = (l[s] as bigint) - (l[s ^ bit] as bigint);
    lambda.push(l);
  }
  const need = new Set<number>();
  for (let s = 0; s < segs; s++) {
    if (!lambda.some((l) => l[s] !== 0n)) continue;
    for (let m = s; popcount(m) >= 2; m &= ~topBit(m)) need.add(m);
  }
  return { lambda, monomials: [...need].sort((a, b) => a - b) };
}

export function popcount(m: number): number {
  let c = 0;
  for (let x = m; x; x &= x - 1) c++;
  return c;
}

export function topBit(m: number): number {
  return 1 << (31 - Math.clz32(m));
}

/** The integer polynomial of one input value (the specification of the generated Poly template). */
export function polyValue(p: Pick<PolyPrim, "lo" | "offBits" | "coef">, x: bigint): bigint {
  const u = x - p.lo;
  const w = BigInt(p.offBits);
  const seg = Number(u >> w);
  const t = u & ((1n << w) - 1n);
  const c = p.coef[seg];
  if (!c || u < 0n) throw new RangeError(`poly input ${x} is outside its domain`);
  const d = c.length - 1;
  let acc = c[d] as bigint;
  for (let j = d - 1; j >= 0; j--) acc = ((c[j] as bigint) << (w * BigInt(d - j))) + t * acc;
  return acc;
}

export function evaluatePoly(p: PolyPrim, vals: bigint[][]): bigint[] {
  return (vals[p.in] as bigint[]).map((x) => polyValue(p, x));
}

export interface ApproxOptions {
  /** Real interval the function is evaluated on; inputs beyond it are clamped (saturating functions). */
  domain?: [number, number];
  /** log2 of the number of segments (default 4) and the degree per segment (default 2). */
  segBits?: number;
  degree?: number;
  /** Widest decomposition of the input: coarser inputs are rescaled first (default 14 bits). */
  maxInputBits?: number;
  /** Output scale (default: the working scale). */
  scale?: number;
}

/**
 * f(x) elementwise as a piecewise polynomial (a PolyPrim, then a rescale to the output scale). The
 * error bound is measured, not assumed: the integer polynomial is evaluated at every integer input the
 * bounds allow and compared with f, plus the clamping error and f's Lipschitz constant (sampled) times
 * the input's error.
 */
export function approx(
  ctx: LowerCtx,
  x0: QTensor,
  f: (v: number) => number,
  opts: ApproxOptions = {},
  onnxName = ctx.node.outputs[0] ?? "",
): QTensor {
  const maxBits = opts.maxInputBits ?? 14;
  const outScale = opts.scale ?? ctx.workScale;
  let x = x0;
  let lo = x.lo.reduce((a, b) => (b < a ? b : a));
  let hi = x.hi.reduce((a, b) => (b > a ? b : a));
  // Clamp to the domain (max/min against constants) where the bounds exceed it.
  let clampErr = 0;
  if (opts.domain) {
    const [dl, dh] = opts.domain.map((v) => BigInt(Math.round(v * 2 ** x.scale)));
    clampErr = saturationError(f, x, lo, hi, dl as bigint, dh as bigint);
    x = clamp(ctx, x, lo < (dl as bigint) ? dl : undefined, hi > (dh as bigint) ? dh : undefined);
    lo = x.lo.reduce((a, b) => (b < a ? b : a));
    hi = x.hi.reduce((a, b) => (b > a ? b : a));
  }
  const width = (hi - lo).toString(2).length;
  if (width > maxBits) {
    x = ctx.rescale(x, width - maxBits, false, onnxName);
    lo = x.lo.reduce((a, b) => (b < a ? b : a));
    hi = x.hi.reduce((a, b) => (b > a ? b : a));
  }
  const bits = Math.max(1, (hi - lo).toString(2).length);
  const segBits = Math.min(opts.segBits ?? 4, bits - 1);
  const offBits = bits - segBits;
  const fit = fitSegments(f, {
    lo,
    count: hi - lo + 1n,
    inScale: x.scale,
    segBits,
    offBits,
    degree: opts.degree ?? 2,
    outScale,
  });
  const { monomials } = selectionCoefficients(fit.coef);
  const prim: Omit<PolyPrim, "out"> = {
    kind: "poly",
    in: x.id,
    lo,
    segBits,
    offBits,
    coef: fit.coef,
    monomials,
  };
  const n = x.lo.length;
  const err = Float64Array.from(x.err, (e) => fit.maxError + clampErr + fit.lipschitz * e);
  const y = ctx.addPrim(prim, {
    onnxName,
    shape: x.shape,
    scale: fit.scale,
    lo: new Array(n).fill(fit.min),
    hi: new Array(n).fill(fit.max),
    err,
  });
  return ctx.rescale(y, fit.scale - outScale, false, onnxName);
}

/** min(max(x, lo), hi) against integer constants (either side optional), at x's scale. */
export function clamp(ctx: LowerCtx, x: QTensor, lo?: bigint, hi?: bigint): QTensor {
  let y = x;
  const n = x.lo.length;
  const rows = Array.from({ length: n }, (_, i) => Int32Array.of(i, n + i));
  if (lo !== undefined) {
    const c = constantSignal(ctx, new Array(n).fill(lo), y.scale, y.shape);
    y = max(ctx, [y, c], rows, y.shape);
  }
  if (hi !== undefined) {
    const c = constantSignal(ctx, new Array(n).fill(-hi), y.scale, y.shape);
    y = negate(ctx, max(ctx, [negate(ctx, y), c], rows, y.shape));
  }
  return y;
}

/** Largest |f(v) − f(clamped v)| over the part of [lo, hi] outside [dl, dh] (sampled). */
function saturationError(
  f: (v: number) => number,
  x: QTensor,
  lo: bigint,
  hi: bigint,
  dl: bigint,
  dh: bigint,
): number {
  const s = 2 ** x.scale;
  let e = 0;
  const scan = (a: number, b: number, edge: number) => {
    const fe = f(edge);
    for (let k = 0; k <= 256; k++) e = Math.max(e, Math.abs(f(a + ((b - a) * k) / 256) - fe));
  };
  if (lo < dl) scan(Number(lo) / s, Number(dl) / s, Number(dl) / s);
  if (hi > dh) scan(Number(dh) / s, Number(hi) / s, Number(dh) / s);
  return e;
}

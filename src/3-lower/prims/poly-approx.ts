import type { PolyPrim, QTensor } from "../ir.js";
import type { LowerCtx } from "../lower.js";
import { bitsSigned, bitsUnsigned, roundShift } from "../rounding.js";
import { constantSignal, negate } from "./basic.js";
import { max } from "./max.js";
import { hornerProducts, polyValue, selectionCoefficients } from "./poly.js";
import { type Fit, fitFloat, floatError, quantizeFit, sampleDomain } from "./poly-fit.js";

/*
 * Elementwise functions as piecewise polynomials: choosing the segments, degree and precision whose
 * measured error meets a target, clamping saturating functions to a domain, and the PolyPrim and
 * rescale that compute them (the primitive itself is poly.ts).
 */

export interface ApproxOptions {
  /** Real interval the function is evaluated on; inputs beyond it are clamped (saturating functions). */
  domain?: [number, number];
  /** The domain's upper end is excluded, so [-8, 8) takes 12 bits at scale 8 instead of 13. */
  openHigh?: boolean;
  /** A real point that must fall on a segment boundary (where f has a kink, e.g. 0 for f − relu). */
  align?: number;
  /** Largest acceptable |poly − f| (real units, before the output rounding); default 2^-(scale+1). */
  target?: number;
  /** Scale of the polynomial's input: finer inputs are rescaled to it first (default: the working scale). */
  inputScale?: number;
  /** Widest decomposition of the input: wider ones are rescaled further (default 14 bits). */
  maxInputBits?: number;
  /** Output scale (default: the working scale). */
  scale?: number;
  /** Names f for reusing fits across nodes (same key, same f). */
  key?: string;
  /**
   * Bounds of f over all reals (sigmoid: [0, 1]). The true value lies there and the output within its
   * own bounds, so their distance caps the error bound, which otherwise compounds without limit through
   * a recurrence (each LSTM step multiplies it).
   */
  image?: [number, number];
}

/** What approx chose for one function: the segment layout, degree, guard bits and measured error. */
export interface ApproxChoice {
  lo: bigint;
  segBits: number;
  offBits: number;
  degree: number;
  guardBits: number;
  fit: Fit;
  /** Estimated constraints per element of the poly and its output rescale. */
  cost: number;
}

export interface Approximation {
  y: QTensor;
  choice: ApproxChoice;
  /** Clamping error (real units) included in y's error bound. */
  clampError: number;
  /** The integer output for one integer input at the input's scale: the whole chain's specification. */
  at(x: bigint): bigint;
}

/**
 * f(x) elementwise as a piecewise polynomial (a PolyPrim, then a rescale to the output scale). The input
 * is first brought to `inputScale` and clamped to the domain; the segment count and degree are the
 * cheapest whose error, measured at every integer input the bounds allow, meets the target. The error
 * bound is that measured error, plus the clamping error and f's Lipschitz constant (from the grid) times
 * the input's error.
 */
export function approx(
  ctx: LowerCtx,
  x0: QTensor,
  f: (v: number) => number,
  opts: ApproxOptions = {},
  onnxName = ctx.node.outputs[0] ?? "",
): QTensor {
  return approximate(ctx, x0, f, opts, onnxName).y;
}

/** approx, with what it chose and an evaluator of the chain (for ops that reason about its values). */
export function approximate(
  ctx: LowerCtx,
  x0: QTensor,
  f: (v: number) => number,
  opts: ApproxOptions = {},
  onnxName = ctx.node.outputs[0] ?? "",
): Approximation {
  const maxBits = opts.maxInputBits ?? 14;
  const outScale = opts.scale ?? ctx.workScale;
  const steps: ((v: bigint) => bigint)[] = [];
  let x = x0;
  const shift = (k: number) => {
    x = ctx.rescale(x, k, false, onnxName);
    steps.push((v) => roundShift(v, k));
  };
  const inScale = opts.inputScale ?? ctx.workScale;
  if (x.scale > inScale) shift(x.scale - inScale);
  let [lo, hi] = range(x);
  // Clamp to the domain (max/min against constants) where the bounds exceed it, unless a polynomial over
  // the whole range (its outer segments fit the flat tails) is cheaper than the two comparisons.
  const fullTarget = opts.target ?? 2 ** -(outScale + 1);
  let clampErr = 0;
  let c: ApproxChoice | undefined;
  if (opts.domain) {
    // An infinite end means no clamping on that side.
    const bottom = opts.domain[0] * 2 ** x.scale;
    const top = opts.domain[1] * 2 ** x.scale;
    const dl = Number.isFinite(bottom) ? BigInt(Math.ceil(bottom)) : lo;
    const dh = !Number.isFinite(top)
      ? hi
      : BigInt(opts.openHigh && Number.isInteger(top) ? top - 1 : Math.floor(top));
    const cl = lo < dl ? dl : undefined;
    const ch = hi > dh ? dh : undefined;
    if (cl !== undefined || ch !== undefined) {
      const err = saturationError(f, x, lo, hi, dl, dh);
      // The clamped range; a range wholly past one end of the domain clamps to that end.
      const inner = { lo: cl ?? (lo > dh ? dh : lo), hi: ch ?? (hi < dl ? dl : hi), scale: x.scale };
      const clamped =
        bitsUnsigned(inner.hi - inner.lo) <= maxBits
          ? choosePoly(f, inner, outScale, Math.max(0, fullTarget - err), opts)
          : undefined;
      const full =
        bitsUnsigned(hi - lo) <= maxBits
          ? choosePoly(f, { lo, hi, scale: x.scale }, outScale, fullTarget, opts)
          : undefined;
      const n = x.lo.length;
      const useFull =
        full !== undefined &&
        full.fit.maxError <= fullTarget &&
        (clamped === undefined || full.cost * n <= clamped.cost * n + clampConstraints(x, cl, ch));
      if (useFull) c = full;
      else {
        clampErr = err;
        x = clamp(ctx, x, cl, ch);
        steps.push((v) => (cl !== undefined && v < cl ? cl : ch !== undefined && v > ch ? ch : v));
        [lo, hi] = range(x);
        c = clamped;
      }
    }
  }
  const width = bitsUnsigned(hi - lo);
  if (width > maxBits) {
    shift(width - maxBits);
    [lo, hi] = range(x);
    c = undefined;
  }
  const target = Math.max(0, fullTarget - clampErr);
  c ??= choosePoly(f, { lo, hi, scale: x.scale }, outScale, target, opts);
  const prim: Omit<PolyPrim, "out"> = {
    kind: "poly",
    in: x.id,
    lo: c.lo,
    segBits: c.segBits,
    offBits: c.offBits,
    coef: c.fit.coef,
    monomials: selectionCoefficients(c.fit.coef).monomials,
  };
  const n = x.lo.length;
  const cap = opts.image
    ? Math.max(
        opts.image[1] - Number(c.fit.min) / 2 ** c.fit.scale,
        Number(c.fit.max) / 2 ** c.fit.scale - opts.image[0],
      )
    : Number.POSITIVE_INFINITY;
  const err = Float64Array.from(x.err, (e) => Math.min(cap, c.fit.maxError + clampErr + c.fit.lipschitz * e));
  const p = ctx.addPrim(prim, {
    onnxName,
    shape: x.shape,
    scale: c.fit.scale,
    lo: new Array(n).fill(c.fit.min),
    hi: new Array(n).fill(c.fit.max),
    err,
  });
  const k = c.fit.scale - outScale;
  const y = ctx.rescale(p, k, false, onnxName);
  const at = (v: bigint) =>
    roundShift(
      polyValue(
        prim,
        steps.reduce((a, step) => step(a), v),
      ),
      k,
    );
  return { y, choice: c, clampError: clampErr, at };
}

/** x at scale s: rescaled down when finer, unchanged when already at s or coarser. */
export function toScale(ctx: LowerCtx, x: QTensor, s: number, onnxName = x.onnxName): QTensor {
  return x.scale > s ? ctx.rescale(x, x.scale - s, false, onnxName) : x;
}

function range(x: QTensor): [bigint, bigint] {
  return [x.lo.reduce((a, b) => (b < a ? b : a)), x.hi.reduce((a, b) => (b > a ? b : a))];
}

const MAX_SEG_BITS = 6;
const MAX_DEGREE = 4;
const MAX_GUARD_BITS = 12;
const memo = new Map<string, ApproxChoice>();

/**
 * The cheapest (segment bits, degree, guard bits) whose measured error meets the target over the
 * integer inputs [lo, hi] at `scale`; when none does, the most accurate one tried.
 */
export function choosePoly(
  f: (v: number) => number,
  x: { lo: bigint; hi: bigint; scale: number },
  outScale: number,
  target: number,
  opts: Pick<ApproxOptions, "align" | "key"> = {},
): ApproxChoice {
  const key = opts.key && `${opts.key}|${x.lo}|${x.hi}|${x.scale}|${outScale}|${target}|${opts.align}`;
  const hit = key ? memo.get(key) : undefined;
  if (hit) return hit;
  const width = Math.max(1, bitsUnsigned(x.hi - x.lo));
  const alignAt = opts.align === undefined ? undefined : BigInt(Math.round(opts.align * 2 ** x.scale));
  const samples = new Map<bigint, Float64Array>();
  let mag = 0;
  const cands: { segBits: number; degree: number; lo: bigint; bits: number; lb: number; est: number }[] = [];
  for (let segBits = 0; segBits <= Math.min(MAX_SEG_BITS, width - 1); segBits++) {
    const layout = layoutFor(x.lo, x.hi, width, segBits, alignAt);
    if (!layout) continue;
    const { lo, bits } = layout;
    const w = bits - segBits;
    const values =
      samples.get(lo) ??
      sampleDomain(f, { lo, count: x.hi - lo + 1n, inScale: x.scale, segBits, offBits: w });
    samples.set(lo, values);
    for (const v of values) mag = Math.max(mag, Math.abs(v));
    const magBits = Math.ceil(Math.log2(mag * 2 ** outScale + 2)) + 1;
    for (let degree = 1; degree <= MAX_DEGREE; degree++) {
      const rescale = 2 + degree * w + magBits + 2;
      const lb = bits + rescale;
      cands.push({ segBits, degree, lo, bits, lb, est: lb + 2 ** segBits - segBits - 1 + degree });
    }
  }
  cands.sort((a, b) => a.est - b.est || a.lb - b.lb);
  let best: ApproxChoice | undefined;
  let closest: ApproxChoice | undefined;
  for (const c of cands) {
    if (best && c.lb >= best.cost) continue;
    const layout = {
      lo: c.lo,
      count: x.hi - c.lo + 1n,
      inScale: x.scale,
      segBits: c.segBits,
      offBits: c.bits - c.segBits,
    };
    const values = samples.get(c.lo) as Float64Array;
    const real = fitFloat(values, layout, c.degree);
    const make = (g: number): ApproxChoice => {
      const fit = quantizeFit(values, layout, real, outScale, g);
      return { ...layout, degree: c.degree, guardBits: g, fit, cost: polyCost(fit, c.bits, outScale) };
    };
    if (floatError(values, layout, real) > target) {
      // Infeasible before rounding; kept only as a fallback when nothing meets the target.
      if (!best) {
        const fallback = make(MAX_GUARD_BITS);
        if (!closest || fallback.fit.maxError < closest.fit.maxError) closest = fallback;
      }
      continue;
    }
    // Fewest guard bits that meet the target (the error shrinks with them, up to the fit's own error).
    let lo = 1;
    let hi = MAX_GUARD_BITS;
    let found: ApproxChoice | undefined;
    while (lo <= hi) {
      const g = (lo + hi) >> 1;
      const choice = make(g);
      if (choice.fit.maxError <= target) {
        found = choice;
        hi = g - 1;
      } else lo = g + 1;
    }
    if (found && (!best || found.cost < best.cost)) best = found;
  }
  const chosen = best ?? (closest as ApproxChoice);
  if (key) memo.set(key, chosen);
  return chosen;
}

/**
 * Where the segments start and how many bits cover [lo, hi] for a segment count: with an alignment point,
 * lo moves down so that the point falls on a segment boundary.
 */
function layoutFor(
  lo: bigint,
  hi: bigint,
  width: number,
  segBits: number,
  at?: bigint,
): { lo: bigint; bits: number } | undefined {
  if (at === undefined || at <= lo || at >= hi) return { lo, bits: width };
  // One segment cannot put an inner point on a boundary; with two or more, width + 1 bits always do.
  for (let bits = width; bits <= width + 1 && segBits >= 1; bits++) {
    const seg = 1n << BigInt(bits - segBits);
    const start = at - ((at - lo + seg - 1n) / seg) * seg;
    if (hi - start < 1n << BigInt(bits)) return { lo: start, bits };
  }
  return undefined;
}

/** Constraints per element of a poly on `bits` input bits and its rescale to outScale (ir.ts formulas). */
function polyCost(fit: Fit, bits: number, outScale: number): number {
  const k = fit.scale - outScale;
  const N = Math.max(k + 2, bitsSigned(fit.min, fit.max));
  return (
    bits + selectionCoefficients(fit.coef).monomials.length + hornerProducts(fit.coef) + N + (k === 1 ? 1 : 2)
  );
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

/** Constraints of clamp(x, lo, hi): a Max2 per side and element, sized as the max prim sizes them. */
export function clampConstraints(x: QTensor, lo?: bigint, hi?: bigint): number {
  let total = 0;
  x.lo.forEach((l0, i) => {
    let l = l0;
    let h = x.hi[i] as bigint;
    if (lo !== undefined) {
      total += Math.max(2, bitsSigned(l - lo, h - lo)) + 1;
      l = l > lo ? l : lo;
      h = h > lo ? h : lo;
    }
    if (hi !== undefined) total += Math.max(2, bitsSigned(hi - h, hi - l)) + 1;
  });
  return total;
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

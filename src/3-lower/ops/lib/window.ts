import type { LowerCtx } from "../../lower.js";

/**
 * Sliding-window geometry shared by Conv, ConvTranspose, MaxPool and AveragePool: the ONNX attributes
 * kernel_shape, strides, dilations, pads, auto_pad (and ceil_mode for pooling) along the spatial axes.
 */
export interface Window {
  inDims: number[];
  kernel: number[];
  strides: number[];
  dilations: number[];
  padBegin: number[];
  padEnd: number[];
  outDims: number[];
}

/**
 * The taps of every output position, CSR-style: output position p (flat over the spatial output dims)
 * reads input position x[t] (flat over the spatial input dims) with kernel position k[t] (flat over the
 * kernel dims) for t in [start[p], start[p+1]). Taps in the padding are left out.
 */
export interface Taps {
  start: Int32Array;
  k: Int32Array;
  x: Int32Array;
}

export type AutoPad = "NOTSET" | "SAME_UPPER" | "SAME_LOWER" | "VALID";

export function autoPad(ctx: LowerCtx): AutoPad {
  const a = ctx.node.attrs.get("auto_pad");
  if (a === undefined) return "NOTSET";
  const v = a.type === "string" ? a.value : "";
  if (v !== "NOTSET" && v !== "SAME_UPPER" && v !== "SAME_LOWER" && v !== "VALID")
    ctx.error(
      "bad-attribute",
      `attribute auto_pad=${JSON.stringify(a.value)} is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID`,
    );
  return v;
}

/** A per-axis int list attribute of length `rank` (ONNX default `def` per axis), each value >= min. */
export function axisInts(ctx: LowerCtx, name: string, rank: number, def: number, min: number): number[] {
  const v = ctx.ints(name, undefined) ?? new Array<number>(rank).fill(def);
  if (v.length !== rank)
    ctx.error(
      "bad-attribute",
      `attribute ${name} has ${v.length} values, expected ${rank} (one per spatial axis)`,
    );
  if (v.some((x) => !Number.isInteger(x) || x < min))
    ctx.error("bad-attribute", `attribute ${name}=[${v}] must hold integers >= ${min}`);
  return v;
}

/** kernel_shape: the attribute when present (it must agree with `fromWeights` when both exist). */
export function kernelShape(ctx: LowerCtx, rank: number, fromWeights?: number[]): number[] {
  const attr = ctx.ints("kernel_shape", undefined);
  if (attr === undefined) {
    if (!fromWeights) ctx.error("bad-attribute", "attribute kernel_shape is required");
    return fromWeights;
  }
  const k = axisInts(ctx, "kernel_shape", rank, 1, 1);
  if (fromWeights && k.join() !== fromWeights.join())
    ctx.error(
      "bad-attribute",
      `kernel_shape=[${k}] disagrees with the weights' spatial shape [${fromWeights}]`,
    );
  return k;
}

/**
 * Conv/pooling geometry: output size per axis from pads (NOTSET), or the SAME_UPPER/SAME_LOWER/VALID
 * rules; with ceil_mode the last window must still start inside the input or its left padding.
 */
export function forwardWindow(ctx: LowerCtx, inDims: number[], kernel: number[], ceilMode = false): Window {
  const rank = inDims.length;
  const strides = axisInts(ctx, "strides", rank, 1, 1);
  const dilations = axisInts(ctx, "dilations", rank, 1, 1);
  const mode = autoPad(ctx);
  const padBegin: number[] = [];
  const padEnd: number[] = [];
  const outDims: number[] = [];
  const pads = mode === "NOTSET" ? axisInts(ctx, "pads", 2 * rank, 0, 0) : undefined;
  for (let d = 0; d < rank; d++) {
    const n = inDims[d] as number;
    const s = strides[d] as number;
    const ext = ((kernel[d] as number) - 1) * (dilations[d] as number) + 1;
    if (pads) {
      const pb = pads[d] as number;
      const pe = pads[rank + d] as number;
      const span = n + pb + pe - ext;
      let o = span < 0 ? 0 : (ceilMode ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
      if (ceilMode && o > 0 && (o - 1) * s >= n + pb) o--;
      padBegin.push(pb);
      padEnd.push(pe);
      outDims.push(o);
    } else if (mode === "VALID") {
      padBegin.push(0);
      padEnd.push(0);
      outDims.push(n < ext ? 0 : Math.floor((n - ext) / s) + 1);
    } else {
      const o = Math.ceil(n / s);
      const total = Math.max(0, (o - 1) * s + ext - n);
      const small = Math.floor(total / 2);
      padBegin.push(mode === "SAME_UPPER" ? small : total - small);
      padEnd.push(mode === "SAME_UPPER" ? total - small : small);
      outDims.push(o);
    }
  }
  if (outDims.some((o) => o < 1))
    ctx.error(
      "bad-shape",
      `the window (kernel [${kernel}], dilations [${dilations}]) does not fit the input [${inDims}]`,
    );
  return { inDims, kernel, strides, dilations, padBegin, padEnd, outDims };
}

function product(xs: readonly number[]): number {
  return xs.reduce((a, b) => a * b, 1);
}

/**
 * Taps from per-axis tables: axis[d][o] lists the (kernel index, input index) pairs of output index o
 * along axis d; the taps of an output position are their Cartesian product (row-major kernel order).
 */
function tapsFromAxes(w: Window, axis: [number, number][][][]): Taps {
  const rank = w.inDims.length;
  const nOut = product(w.outDims);
  const start = new Int32Array(nOut + 1);
  let cap = 0;
  const counts = new Int32Array(nOut);
  const o = new Array<number>(rank).fill(0);
  for (let p = 0; p < nOut; p++) {
    let c = 1;
    for (let d = 0; d < rank; d++) c *= (axis[d]?.[o[d] as number] ?? []).length;
    counts[p] = c;
    cap += c;
    for (let d = rank - 1; d >= 0; d--) {
      o[d] = (o[d] as number) + 1;
      if ((o[d] as number) < (w.outDims[d] as number)) break;
      o[d] = 0;
    }
  }
  const k = new Int32Array(cap);
  const x = new Int32Array(cap);
  let t = 0;
  o.fill(0);
  const pick = new Array<number>(rank).fill(0);
  for (let p = 0; p < nOut; p++) {
    start[p] = t;
    if ((counts[p] as number) > 0) {
      const lists = o.map((od, d) => axis[d]?.[od] ?? []);
      pick.fill(0);
      for (;;) {
        let kk = 0;
        let xx = 0;
        for (let d = 0; d < rank; d++) {
          const pair = (lists[d] as [number, number][])[pick[d] as number] as [number, number];
          kk = kk * (w.kernel[d] as number) + pair[0];
          xx = xx * (w.inDims[d] as number) + pair[1];
        }
        k[t] = kk;
        x[t] = xx;
        t++;
        let d = rank - 1;
        for (; d >= 0; d--) {
          pick[d] = (pick[d] as number) + 1;
          if ((pick[d] as number) < (lists[d] as unknown[]).length) break;
          pick[d] = 0;
        }
        if (d < 0) break;
      }
    }
    for (let d = rank - 1; d >= 0; d--) {
      o[d] = (o[d] as number) + 1;
      if ((o[d] as number) < (w.outDims[d] as number)) break;
      o[d] = 0;
    }
  }
  start[nOut] = t;
  return { start, k, x };
}

/** Conv/pooling taps: input index i = o·stride − padBegin + k·dilation, inside the input. */
export function forwardTaps(w: Window): Taps {
  const axis = w.inDims.map((n, d) =>
    Array.from({ length: w.outDims[d] as number }, (_, o) => {
      const pairs: [number, number][] = [];
      for (let k = 0; k < (w.kernel[d] as number); k++) {
        const i = o * (w.strides[d] as number) - (w.padBegin[d] as number) + k * (w.dilations[d] as number);
        if (i >= 0 && i < n) pairs.push([k, i]);
      }
      return pairs;
    }),
  );
  return tapsFromAxes(w, axis);
}

/**
 * ConvTranspose taps: input i contributes to o = i·stride − padBegin + k·dilation, so output o reads
 * the i = (o + padBegin − k·dilation) / stride that are integers inside the input.
 */
export function transposeTaps(w: Window): Taps {
  const axis = w.inDims.map((n, d) =>
    Array.from({ length: w.outDims[d] as number }, (_, o) => {
      const pairs: [number, number][] = [];
      const s = w.strides[d] as number;
      for (let k = 0; k < (w.kernel[d] as number); k++) {
        const t = o + (w.padBegin[d] as number) - k * (w.dilations[d] as number);
        if (t >= 0 && t % s === 0 && t / s < n) pairs.push([k, t / s]);
      }
      return pairs;
    }),
  );
  return tapsFromAxes(w, axis);
}

/**
 * Per output position, how many window positions fall inside [−padBegin, in + padEnd) on every axis
 * (AveragePool's divisor with count_include_pad: padding counts, the ceil_mode overhang does not).
 */
export function paddedCounts(w: Window): Int32Array {
  const perAxis = w.inDims.map((n, d) =>
    Array.from({ length: w.outDims[d] as number }, (_, o) => {
      let c = 0;
      for (let k = 0; k < (w.kernel[d] as number); k++) {
        const i = o * (w.strides[d] as number) - (w.padBegin[d] as number) + k * (w.dilations[d] as number);
        if (i >= -(w.padBegin[d] as number) && i < n + (w.padEnd[d] as number)) c++;
      }
      return c;
    }),
  );
  const nOut = product(w.outDims);
  const out = new Int32Array(nOut);
  const o = new Array<number>(w.inDims.length).fill(0);
  for (let p = 0; p < nOut; p++) {
    out[p] = o.reduce((acc, od, d) => acc * ((perAxis[d] as number[])[od] as number), 1);
    for (let d = o.length - 1; d >= 0; d--) {
      o[d] = (o[d] as number) + 1;
      if ((o[d] as number) < (w.outDims[d] as number)) break;
      o[d] = 0;
    }
  }
  return out;
}

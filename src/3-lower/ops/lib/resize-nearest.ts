import { checkElements } from "../../../1-decode/graph.js";
import type { QTensor } from "../../ir.js";
import type { LowerCtx } from "../../lower.js";
import { mapIndex, routeWithFill, strides } from "./indexing.js";

/**
 * Nearest-neighbour resampling shared by Resize and Upsample. Coordinates are computed in float32
 * (Math.fround after every operation, as onnxruntime does) so the chosen source pixel matches it even
 * on ties. Free: wiring, plus a bias for tf_crop_and_resize's extrapolation value.
 */

export const COORDINATE_MODES = [
  "half_pixel",
  "half_pixel_symmetric",
  "pytorch_half_pixel",
  "align_corners",
  "asymmetric",
  "tf_half_pixel_for_nn",
  "tf_crop_and_resize",
];
/** "simple" is the pre-opset-11 rule: ceil when downsampling, truncation when upsampling. */
export const NEAREST_MODES = ["round_prefer_floor", "round_prefer_ceil", "floor", "ceil", "simple"];

export interface NearestSpec {
  /** float32 scale per axis (full rank). */
  scales: number[];
  outShape: number[];
  coord: string;
  nearest: string;
  /** [start_1..start_n, end_1..end_n] in normalized coordinates (tf_crop_and_resize). */
  roi: number[];
  extrapolation: number;
}

const f = Math.fround;

/** The original (input) coordinate of output coordinate x on an axis of input length L, output length R. */
function original(mode: string, x: number, s: number, R: number, L: number, r0: number, r1: number): number {
  switch (mode) {
    case "asymmetric":
      return f(x / s);
    case "pytorch_half_pixel":
      return R > 1 ? f(f(f(x + 0.5) / s) - 0.5) : 0;
    case "tf_half_pixel_for_nn":
      return f(f(x + 0.5) / s);
    case "align_corners":
      return R === 1 ? 0 : f(f(x * (L - 1)) / (R - 1));
    case "tf_crop_and_resize":
      return R > 1
        ? f(f(r0 * (L - 1)) + f(f(f(x * f(r1 - r0)) * (L - 1)) / (R - 1)))
        : f(0.5 * f(r0 + r1) * (L - 1));
    case "half_pixel_symmetric": {
      const adjustment = f(R / f(s * L));
      const offset = f(f(L / 2) * f(1 - adjustment));
      return f(offset + (x + 0.5) / s - 0.5);
    }
    default: // half_pixel
      return f(f(f(x + 0.5) / s) - 0.5);
  }
}

function nearestPixel(mode: string, v: number, downsample: boolean): number {
  const roundAway = (u: number) => (u < 0 ? -Math.round(-u) : Math.round(u));
  switch (mode) {
    case "simple":
      return downsample ? Math.ceil(v) : Math.trunc(v);
    case "round_prefer_ceil":
      return roundAway(v);
    case "floor":
      return Math.floor(v);
    case "ceil":
      return Math.ceil(v);
    default: // round_prefer_floor
      return v === Math.trunc(v) + 0.5 ? Math.floor(v) : roundAway(v);
  }
}

/** Output sizes from float32 scales: floor(scale · L) computed in float32. */
export function scaledShape(inShape: number[], scales: number[]): number[] {
  return inShape.map((d, i) => Math.trunc(f((scales[i] as number) * d)));
}

export function resizeNearest(ctx: LowerCtx, x: QTensor, spec: NearestSpec): QTensor {
  checkElements(spec.outShape, "the output");
  const rank = x.shape.length;
  const extrapolate = spec.coord === "tf_crop_and_resize";
  // Per axis: the input coordinate of each output coordinate, -1 for the extrapolation value.
  const maps = spec.outShape.map((R, a) => {
    const L = x.shape[a] as number;
    const s = spec.scales[a] as number;
    // onnxruntime maps an axis of scale 1 to itself (its rank-1 path excepted): follow it.
    if (s === 1 && rank > 1 && R === L) return Int32Array.from({ length: R }, (_, i) => i);
    return Int32Array.from({ length: R }, (_, i) => {
      const o = original(spec.coord, i, s, R, L, spec.roi[a] ?? 0, spec.roi[rank + a] ?? 1);
      if (extrapolate && (o < 0 || o > L - 1)) return -1;
      return Math.min(Math.max(nearestPixel(spec.nearest, o, s < 1), 0), L - 1);
    });
  });
  const st = strides(x.shape);
  const src = mapIndex(spec.outShape, (idx) => {
    let k = 0;
    for (let a = 0; a < rank; a++) {
      const j = (maps[a] as Int32Array)[idx[a] as number] as number;
      if (j < 0) return -1;
      k += j * (st[a] as number);
    }
    return k;
  });
  return routeWithFill(ctx, x, src, spec.outShape, spec.extrapolation);
}

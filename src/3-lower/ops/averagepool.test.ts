import { describe, expect, it } from "vitest";
import {
  checkAgainstFloat,
  checkCircuit,
  FIXED,
  rng,
  singleOp,
  uniform,
} from "../../../test/support/op-check.js";
import { type AttrValue, attr, buildModel, DataType, node, valueInfo } from "../../1-decode/onnx-builder.js";

const r = rng(7);
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
const samples = (n: number, len: number) => Array.from({ length: n }, () => [uniform(r, len)]);

function pool(x: number[], y: number[], attrs: Record<string, AttrValue>, opset = 13): Uint8Array {
  return singleOp({ op: "AveragePool", inputs: [["x", x]], attrs, output: y, opset });
}

describe("AveragePool", () => {
  it("2×2 windows: a power-of-two count only grows the scale (exact, error = the input's)", async () => {
    const { plan, maxError, errorBound } = await checkAgainstFloat(
      pool([1, 2, 4, 6], [1, 2, 2, 3], { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) }),
      samples(10, 48),
    );
    expect(plan.tensors.at(-1)?.scale).toBe(7 + 2);
    expect(plan.nodes[0]?.prims.map((p) => p.kind)).toEqual(["affine"]);
    expect(errorBound).toBeCloseTo(2 ** -8, 12);
    expect(maxError).toBeLessThanOrEqual(errorBound);
  });

  it("3×3 windows: 1/9 quantized at a widened scale, its rounding in the error bound", async () => {
    const { plan, maxError, errorBound } = await checkAgainstFloat(
      pool([1, 1, 6, 6], [1, 1, 4, 4], { kernel_shape: attr.ints([3, 3]) }),
      samples(10, 36),
    );
    expect(plan.tensors.at(-1)?.scale).toBe(7 + Math.max(FIXED.paramScale ?? 0, 7 + 4));
    // the inputs' rounding (2^-8) plus |228/2^11 − 1/9| times the sum of |x| over the window (|x| < 3)
    const delta = Math.abs(Math.round(2 ** 11 / 9) / 2 ** 11 - 1 / 9);
    expect(errorBound).toBeGreaterThan(2 ** -8 + delta * 9);
    expect(errorBound).toBeLessThan(2 ** -8 * 1.01 + delta * 9 * 3);
    expect(maxError).toBeLessThanOrEqual(errorBound);
  });

  it.each([
    [
      "pads, count_include_pad=0 (edge windows divide by fewer)",
      [1, 1, 5, 5],
      [1, 1, 5, 5],
      { kernel_shape: attr.ints([3, 3]), pads: attr.ints([1, 1, 1, 1]) },
    ],
    [
      "pads, count_include_pad=1",
      [1, 1, 5, 5],
      [1, 1, 5, 5],
      { kernel_shape: attr.ints([3, 3]), pads: attr.ints([1, 1, 1, 1]), count_include_pad: attr.int(1) },
    ],
    [
      "ceil_mode (the overhang never counts)",
      [1, 1, 4, 4],
      [1, 1, 2, 2],
      { kernel_shape: attr.ints([3, 3]), strides: attr.ints([2, 2]), ceil_mode: attr.int(1) },
    ],
    [
      "ceil_mode with pads and count_include_pad=1",
      [1, 1, 5, 5],
      [1, 1, 3, 3],
      {
        kernel_shape: attr.ints([3, 3]),
        strides: attr.ints([2, 2]),
        pads: attr.ints([1, 1, 1, 1]),
        ceil_mode: attr.int(1),
        count_include_pad: attr.int(1),
      },
    ],
    [
      "auto_pad SAME_UPPER",
      [1, 1, 5, 5],
      [1, 1, 3, 3],
      { kernel_shape: attr.ints([3, 3]), strides: attr.ints([2, 2]), auto_pad: "SAME_UPPER" },
    ],
    [
      "auto_pad SAME_LOWER, count_include_pad=1",
      [1, 2, 4, 4],
      [1, 2, 4, 4],
      { kernel_shape: attr.ints([2, 2]), auto_pad: "SAME_LOWER", count_include_pad: attr.int(1) },
    ],
    ["1-D", [1, 3, 8], [1, 3, 7], { kernel_shape: attr.ints([2]) }],
    ["3-D", [1, 1, 4, 4, 4], [1, 1, 3, 3, 3], { kernel_shape: attr.ints([2, 2, 2]) }],
  ] as [string, number[], number[], Record<string, AttrValue>][])("%s", async (_what, x, y, attrs) => {
    const { plan } = await checkAgainstFloat(pool(x, y, attrs), samples(6, size(x)));
    expect(plan.outputs[0]?.shape).toEqual(y);
  });

  it("dilations (opset 19)", async () => {
    const m = pool(
      [1, 1, 5, 5],
      [1, 1, 3, 3],
      { kernel_shape: attr.ints([2, 2]), dilations: attr.ints([2, 2]) },
      19,
    );
    await checkAgainstFloat(m, samples(6, 25));
  });

  it("compiles to a circuit where the pooling is free (followed by Relu)", { tags: ["heavy"] }, async () => {
    const bytes = buildModel({
      nodes: [
        node(
          "AveragePool",
          ["x"],
          ["a"],
          { kernel_shape: attr.ints([3, 3]), strides: attr.ints([3, 3]) },
          "n0",
        ),
        node("Relu", ["a"], ["y"], {}, "n1"),
      ],
      inputs: [valueInfo("x", DataType.FLOAT, [1, 1, 6, 6])],
      outputs: [valueInfo("y", DataType.FLOAT, [1, 1, 2, 2])],
    });
    const { plan } = await checkAgainstFloat(bytes, samples(4, 36));
    const relu = plan.nodes[1]?.prims[0];
    const reluCost = relu?.kind === "rescale" ? relu.bits.reduce((a, b) => a + b + 1, 0) : Number.NaN;
    const { constraints } = await checkCircuit(bytes, samples(2, 36));
    expect(constraints).toBe(36 * 9 + reluCost);
  });

  it("rejects bad count_include_pad and a missing kernel_shape", async () => {
    await expect(
      checkAgainstFloat(
        pool([1, 1, 4, 4], [1, 1, 3, 3], { kernel_shape: attr.ints([2, 2]), count_include_pad: attr.int(3) }),
        [],
      ),
    ).rejects.toMatchObject({ code: "bad-attribute", node: { name: "n0", opType: "AveragePool" } });
    await expect(checkAgainstFloat(pool([1, 1, 4, 4], [1, 1, 3, 3], {}), [])).rejects.toMatchObject({
      code: "bad-attribute",
      message: expect.stringMatching(/kernel_shape/),
    });
  });
});

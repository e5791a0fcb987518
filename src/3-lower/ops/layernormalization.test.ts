import { describe, expect, it } from "vitest";
import { checkAgainstFloat, checkCircuit, rng, singleOp, uniform } from "../../../test/support/op-check.js";
import {
  type AttrValue,
  attr,
  buildModel,
  DataType,
  node,
  tensorProto,
  valueInfo,
} from "../../1-decode/onnx-builder.js";

const r = rng(10);
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
const samples = (n: number, len: number) => Array.from({ length: n }, () => [uniform(r, len)]);

/** Inputs that stress the proven bounds: constant blocks (σ = 0), ±1 (largest σ), a lone spike (largest |z|). */
function extremes(len: number, block: number): Float64Array[][] {
  const spike = Float64Array.from({ length: len }, (_, i) => (i % block === 0 ? 1 : -1));
  return [
    [new Float64Array(len).fill(0.3)],
    [new Float64Array(len).fill(-1)],
    [Float64Array.from({ length: len }, (_, i) => (i % 2 ? 1 : -1))],
    [spike],
  ];
}

function ln(x: number[], inner: number[], attrs: Record<string, AttrValue> = {}, bias = true): Uint8Array {
  const n = size(inner);
  return singleOp({
    op: "LayerNormalization",
    inputs: [["x", x]],
    weights: [
      ["s", inner, uniform(r, n, 0.5, 1.5)],
      ...(bias ? [["b", inner, uniform(r, n, -0.5, 0.5)] as [string, number[], Float64Array]] : []),
    ],
    attrs,
    output: x,
    opset: 17,
  });
}

describe("LayerNormalization", () => {
  it("last axis: within the proven bound of onnxruntime, and accurate in practice", async () => {
    const { plan, maxError, errorBound } = await checkAgainstFloat(ln([2, 3, 8], [8]), [
      ...samples(10, 48),
      ...extremes(48, 8),
    ]);
    expect(plan.tensors.at(-1)?.scale).toBe(7 + 7);
    expect(maxError).toBeLessThanOrEqual(errorBound);
    // the worst case amplifies input error by ~1/√ε; the arithmetic itself is good to a few LSBs
    expect(maxError).toBeLessThan(0.05);
  });

  it.each([
    ["axis 1 of 3-D, epsilon", [2, 3, 4], [3, 4], 12, { axis: attr.int(1), epsilon: attr.float(0.1) }],
    ["axis 0", [2, 5], [2, 5], 10, { axis: attr.int(0) }],
    ["axis -2 with Scale/B broadcast from [1, 5]", [2, 3, 5], [1, 5], 15, { axis: attr.int(-2) }],
    ["stash_type 1, 4-D axis 2", [1, 2, 3, 4], [3, 4], 12, { axis: attr.int(2), stash_type: attr.int(1) }],
  ] as [string, number[], number[], number, Record<string, AttrValue>][])(
    "%s",
    async (_what, x, inner, block, attrs) => {
      const { maxError, errorBound } = await checkAgainstFloat(ln(x, inner, attrs), [
        ...samples(6, size(x)),
        ...extremes(size(x), block),
      ]);
      expect(maxError).toBeLessThanOrEqual(errorBound);
    },
  );

  it("without B, and with Mean and InvStdDev outputs", async () => {
    await checkAgainstFloat(ln([3, 6], [6], {}, false), samples(6, 18));
    const bytes = buildModel({
      nodes: [
        node(
          "LayerNormalization",
          ["x", "s", "b"],
          ["y", "mean", "inv"],
          { epsilon: attr.float(0.01) },
          "n0",
        ),
      ],
      initializers: [tensorProto("s", [6], uniform(r, 6, 0.5, 1.5)), tensorProto("b", [6], uniform(r, 6))],
      inputs: [valueInfo("x", DataType.FLOAT, [3, 6])],
      outputs: [
        valueInfo("y", DataType.FLOAT, [3, 6]),
        valueInfo("mean", DataType.FLOAT, [3, 1]),
        valueInfo("inv", DataType.FLOAT, [3, 1]),
      ],
      opset: 17,
    });
    const { plan } = await checkAgainstFloat(bytes, [...samples(6, 18), ...extremes(18, 6)]);
    expect(plan.outputs.map((o) => o.shape)).toEqual([
      [3, 6],
      [3, 1],
      [3, 1],
    ]);
  });

  it("Scale and B as graph inputs (one product per element)", async () => {
    const bytes = singleOp({
      op: "LayerNormalization",
      inputs: [
        ["x", [2, 4]],
        ["s", [4]],
        ["b", [4]],
      ],
      output: [2, 4],
      opset: 17,
    });
    await checkAgainstFloat(
      bytes,
      Array.from({ length: 6 }, () => [uniform(r, 8), uniform(r, 4), uniform(r, 4)]),
    );
  });

  it("compiles to a circuit whose count matches the plan, on extreme inputs too", {
    tags: ["heavy"],
  }, async () => {
    const bytes = ln([2, 4], [4]);
    const { constraints } = await checkCircuit(bytes, [...samples(2, 8), ...extremes(8, 4)]);
    expect(constraints).toBeGreaterThan(8 * 9);
  });

  it("rejects epsilon <= 0, a bad axis and a Scale that does not broadcast", async () => {
    await expect(checkAgainstFloat(ln([2, 4], [4], { epsilon: attr.float(0) }), [])).rejects.toMatchObject({
      code: "bad-attribute",
      node: { name: "n0", opType: "LayerNormalization" },
      message: expect.stringMatching(/epsilon/),
    });
    await expect(checkAgainstFloat(ln([2, 4], [4], { axis: attr.int(2) }), [])).rejects.toMatchObject({
      code: "bad-attribute",
    });
    await expect(checkAgainstFloat(ln([2, 4], [3]), [])).rejects.toMatchObject({ code: "bad-shape" });
  });
});

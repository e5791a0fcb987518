import { describe, expect, it } from "vitest";
import type { RescalePrim } from "../../src/3-lower/ir.js";
import { type BoundsCase, type BoundsCircuit, expectPinned, nodePrims, runCase } from "./harness.js";
import { attr, graph, weights } from "./models.js";

/**
 * Linear layers and the rescale (+ ReLU) after them: the decomposition width of every rescale comes
 * from the bounds, and the ReLU reads its sign off the top bit of that decomposition, so both are only
 * right if the bounds hold over the whole enforced input range.
 */

/** The ReLU fused into the rescale of node `node` computes `name`, which is pinned to [lo, hi] by it. */
async function reluEnforced(c: BoundsCircuit, valid: bigint[][][], node: string, name: string) {
  const relu = nodePrims(c, node).find((p): p is RescalePrim => p.kind === "rescale" && p.relu);
  expect(relu, `${node} is a rescale fused with ReLU`).toBeDefined();
  expect(c.plan.tensors[relu?.out ?? -1]?.onnxName).toBe(name);
  expect(c.plan.tensors[relu?.out ?? -1]?.lo.every((l) => l >= 0n)).toBe(true);
  await expectPinned(c, valid, name);
}

const cases: BoundsCase[] = [
  {
    name: "Gemm + Relu",
    model: graph({
      inputs: [["x", [1, 4]]],
      consts: [
        ["W", [3, 4], weights(1, 12)],
        ["b", [3], weights(2, 3)],
      ],
      nodes: [
        ["Gemm", ["x", "W", "b"], ["h"], { transB: attr.int(1) }],
        ["Relu", ["h"], ["y"]],
      ],
      outputs: [["y", [1, 3]]],
    }),
    shortcut: (c, v) => reluEnforced(c, v, "n1", "y"),
  },
  {
    name: "MatMul, Add, Sub, Mul by a constant, Relu",
    model: graph({
      inputs: [
        ["x", [1, 3]],
        ["z", [1, 3]],
      ],
      consts: [
        ["W", [3, 3], weights(3, 9)],
        ["c", [3], weights(4, 3)],
        ["k", [1], [1.5]],
      ],
      nodes: [
        ["MatMul", ["x", "W"], ["h"]],
        ["Add", ["h", "z"], ["s"]],
        ["Sub", ["s", "c"], ["d"]],
        ["Mul", ["d", "k"], ["m"]],
        ["Relu", ["m"], ["y"]],
      ],
      outputs: [["y", [1, 3]]],
    }),
    opts: { ranges: { x: [-1, 1], z: [0, 0.7] } },
    shortcut: (c, v) => reluEnforced(c, v, "n4", "y"),
  },
  {
    name: "Conv + Relu + AveragePool",
    model: graph({
      inputs: [["x", [1, 1, 4, 4]]],
      consts: [
        ["W", [2, 1, 3, 3], weights(5, 18)],
        ["b", [2], weights(6, 2)],
      ],
      nodes: [
        ["Conv", ["x", "W", "b"], ["h"], { pads: attr.ints([1, 1, 1, 1]) }],
        ["Relu", ["h"], ["r"]],
        ["AveragePool", ["r"], ["y"], { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) }],
      ],
      outputs: [["y", [1, 2, 2, 2]]],
    }),
    count: 30,
    shortcut: (c, v) => reluEnforced(c, v, "n1", "r"),
  },
  {
    name: "BatchNormalization + ConvTranspose + Relu",
    model: graph({
      inputs: [["x", [1, 2, 2, 2]]],
      consts: [
        ["g", [2], [1.5, -0.75]],
        ["beta", [2], [0.25, -0.5]],
        ["mean", [2], [0.1, -0.2]],
        ["var", [2], [0.5, 2]],
        ["W", [2, 1, 2, 2], weights(7, 8)],
      ],
      nodes: [
        ["BatchNormalization", ["x", "g", "beta", "mean", "var"], ["n"]],
        ["ConvTranspose", ["n", "W"], ["h"], { strides: attr.ints([2, 2]) }],
        ["Relu", ["h"], ["y"]],
      ],
      outputs: [["y", [1, 1, 4, 4]]],
    }),
    opts: { inputRange: [0, 0.7] },
    count: 30,
    shortcut: (c, v) => reluEnforced(c, v, "n2", "y"),
  },
];

describe("bounds over the enforced range: linear layers", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_, cs) => {
    await runCase(cs);
  });
});

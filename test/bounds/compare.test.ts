import { describe, expect, it } from "vitest";
import { type BoundsCase, type BoundsCircuit, expectPinned, nodePrims, runCase } from "./harness.js";
import { attr, DataType, graph } from "./models.js";

/**
 * Comparisons and extrema. Their decompositions are sized from the bounds, and several ops are skipped
 * (or reduced to an affine map) when the bounds decide them: a Clip whose input already lies inside,
 * an Abs of a value whose sign is known. Those skips are taken on the enforced range, and the bound
 * they rely on is pinned by the prim that computes it.
 */

const kinds = (c: BoundsCircuit, node: string) => nodePrims(c, node).map((p) => p.kind);
const B = DataType.BOOL;
const I = DataType.INT64;

const cases: BoundsCase[] = [
  {
    name: "Max, Min, ReduceMax, Greater, Less, Equal, ArgMax, TopK",
    model: graph({
      inputs: [
        ["x", [2, 3]],
        ["z", [2, 3]],
      ],
      consts: [
        ["c", [], [0.25]],
        ["K", [1], [2], I],
      ],
      nodes: [
        ["Max", ["x", "z"], ["y0"]],
        ["Min", ["x", "z"], ["y1"]],
        ["ReduceMax", ["x"], ["y2"], { axes: attr.ints([1]), keepdims: attr.int(0) }],
        ["Greater", ["x", "z"], ["y3"]],
        ["Less", ["x", "c"], ["y4"]],
        ["Equal", ["x", "z"], ["y5"]],
        ["ArgMax", ["x"], ["y6"], { axis: attr.int(1), keepdims: attr.int(0) }],
        ["TopK", ["x", "K"], ["y7", "y8"]],
      ],
      outputs: [
        ["y0", [2, 3]],
        ["y1", [2, 3]],
        ["y2", [2]],
        ["y3", [2, 3], B],
        ["y4", [2, 3], B],
        ["y5", [2, 3], B],
        ["y6", [2], I],
        ["y7", [2, 2]],
        ["y8", [2, 2], I],
      ],
    }),
    shortcut: async (c, valid) => {
      // 0/1 results and indices are proven in range by their own constraints (a one-hot or logic op
      // downstream relies on that): forging them past their bounds fails
      await expectPinned(c, valid, "y3");
      await expectPinned(c, valid, "y6");
      await expectPinned(c, valid, "y8");
    },
  },
  {
    name: "Relu, MaxPool",
    model: graph({
      inputs: [["x", [1, 1, 4, 4]]],
      nodes: [
        ["Relu", ["x"], ["r"]],
        ["MaxPool", ["r"], ["y"], { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) }],
      ],
      outputs: [["y", [1, 1, 2, 2]]],
    }),
    count: 30,
  },
  {
    name: "Clip skipped where the enforced bounds lie inside; Clip by signal bounds",
    model: graph({
      inputs: [
        ["x", [4]],
        ["a", [1]],
        ["b", [1]],
      ],
      consts: [
        ["zero", [], [0]],
        ["one", [], [1]],
        ["two", [], [2]],
        ["lo", [], [-1.5]],
        ["hi", [], [4]],
      ],
      nodes: [
        ["Sigmoid", ["x"], ["s"]],
        ["Clip", ["s", "zero", "one"], ["y0"]],
        ["Relu", ["x"], ["r"]],
        ["Clip", ["r", "zero", "two"], ["y1"]],
        ["Clip", ["x", "lo", "hi"], ["y2"]],
        ["Clip", ["x", "a", "b"], ["y3"]],
      ],
      outputs: [
        ["y0", [4]],
        ["y1", [4]],
        ["y2", [4]],
        ["y3", [4]],
      ],
    }),
    shortcut: async (c, valid) => {
      // sigmoid ∈ [0, 1]: Clip(s, 0, 1) costs nothing; the sigmoid's output is pinned to its bounds
      expect(kinds(c, "n1")).toEqual([]);
      await expectPinned(c, valid, "s");
      // relu(x) >= 0 skips the lower clip, but the enforced x reaches 3 (calibrated: 1), so the upper
      // clip at 2 is kept
      expect(kinds(c, "n3").filter((k) => k === "max")).toHaveLength(1);
      await expectPinned(c, valid, "r", ["lo"]);
      // x ∈ [-1, 3) enforced lies inside [-1.5, 4]: skipped (x's range check is forged in runCase)
      expect(kinds(c, "n4")).toEqual([]);
    },
  },
  {
    name: "Abs skipped where the sign is known, Sign",
    model: graph({
      inputs: [["x", [4]]],
      nodes: [
        ["Relu", ["x"], ["r"]],
        ["Abs", ["r"], ["y0"]],
        ["Abs", ["x"], ["y1"]],
        ["Neg", ["r"], ["g"]],
        ["Abs", ["g"], ["y2"]],
        ["Sign", ["x"], ["y3"]],
      ],
      outputs: [
        ["y0", [4]],
        ["y1", [4]],
        ["y2", [4]],
        ["y3", [4]],
      ],
    }),
    shortcut: async (c, valid) => {
      expect(kinds(c, "n1")).toEqual([]); // |relu(x)| = relu(x)
      expect(kinds(c, "n4")).toEqual(["affine"]); // |−relu(x)| = relu(x), free
      expect(kinds(c, "n2")).toContain("cmp"); // the sign of x is not known
      await expectPinned(c, valid, "r", ["lo"]);
    },
  },
];

describe("bounds over the enforced range: comparisons and extrema", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_, cs) => {
    await runCase(cs);
  });
});

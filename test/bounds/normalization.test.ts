import { describe, expect, it } from "vitest";
import { type BoundsCase, forgeInput, runCase } from "./harness.js";
import { attr, graph, weights } from "./models.js";

/**
 * Normalizations and divisions: maxima, exponentials and sums sized from the bounds, square roots of
 * values proven non-negative, divisions by values proven positive (a divisor whose sign is not proven is
 * refused at compile time). Those proofs come from the enforced input range; a divisor below it is
 * rejected.
 */

const cases: BoundsCase[] = [
  {
    name: "Softmax, LogSoftmax",
    model: graph({
      inputs: [["x", [2, 4]]],
      nodes: [
        ["Softmax", ["x"], ["y0"]],
        ["LogSoftmax", ["x"], ["y1"]],
      ],
      outputs: [
        ["y0", [2, 4]],
        ["y1", [2, 4]],
      ],
    }),
    count: 30,
  },
  {
    name: "LayerNormalization, InstanceNormalization",
    model: graph({
      inputs: [["x", [1, 2, 4]]],
      consts: [
        ["g", [4], weights(21, 4, 0.5, 1.5)],
        ["b", [4], weights(22, 4)],
        ["s", [2], weights(23, 2, 0.5, 1.5)],
        ["c", [2], weights(24, 2)],
      ],
      nodes: [
        ["LayerNormalization", ["x", "g", "b"], ["y0"], { axis: attr.int(-1) }],
        ["InstanceNormalization", ["x", "s", "c"], ["y1"]],
      ],
      outputs: [
        ["y0", [1, 2, 4]],
        ["y1", [1, 2, 4]],
      ],
      opset: 17,
    }),
    count: 30,
  },
  {
    name: "ReduceMean, ReduceSum, ReduceL2, Sqrt, Reciprocal, Div by a signal (positive or negative)",
    model: graph({
      inputs: [
        ["x", [2, 3]],
        ["p", [2, 3]],
        ["q", [2, 3]],
      ],
      consts: [["axes", [1], [1], 7]],
      nodes: [
        ["ReduceMean", ["x"], ["y0"], { axes: attr.ints([1]), keepdims: attr.int(0) }],
        ["ReduceSum", ["x", "axes"], ["y1"], { keepdims: attr.int(0) }],
        ["ReduceL2", ["x"], ["y2"], { axes: attr.ints([1]), keepdims: attr.int(0) }],
        ["Sqrt", ["p"], ["y3"]],
        ["Reciprocal", ["p"], ["y4"]],
        ["Div", ["x", "p"], ["y5"]],
        ["Reciprocal", ["q"], ["y6"]],
        ["Div", ["x", "q"], ["y7"]],
      ],
      outputs: [
        ["y0", [2]],
        ["y1", [2]],
        ["y2", [2]],
        ["y3", [2, 3]],
        ["y4", [2, 3]],
        ["y5", [2, 3]],
        ["y6", [2, 3]],
        ["y7", [2, 3]],
      ],
    }),
    // p: calibrated [0.25, 1] = [32, 128] at 2^7, enforced [32, 159]: positive; q: calibrated
    // [-1, -0.25] = [-128, -32], enforced [-128, -1]: negative (negated for free, then divided)
    opts: { ranges: { x: [-1, 1], p: [0.25, 1], q: [-1, -0.25] } },
    shortcut: async (c, valid) => {
      expect([c.inputs[1]?.lo, c.inputs[1]?.top]).toEqual([32n, 159n]);
      expect([c.inputs[2]?.lo, c.inputs[2]?.top]).toEqual([-128n, -1n]);
      // below the enforced range (31, 0) the divisions' quotient and remainder checks, sized from p >= 32,
      // reject p as well as its range check: no witness either way
      for (const p of [31n, 0n]) {
        const f = await forgeInput(c, valid[0] as bigint[][], 1, 0, p);
        expect([f.via, f.rejection.ok]).toEqual(["reference", false]);
      }
      // q = 0 (one past its enforced top): the sign of the negated divisor would be wrong; rejected
      expect((await forgeInput(c, valid[0] as bigint[][], 2, 0, 0n)).rejection.ok).toBe(false);
    },
  },
];

describe("bounds over the enforced range: normalization, softmax, roots and divisions", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_, cs) => {
    await runCase(cs);
  });
});

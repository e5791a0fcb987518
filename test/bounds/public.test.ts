import { describe, expect, it } from "vitest";
import type { Visibility } from "../../src/3-lower/ir.js";
import { type BoundsCase, expectOnlyRangeCheck, forgeInput, outputValue, runCase } from "./harness.js";
import { attr, DataType, graph, weights } from "./models.js";

/**
 * Visibility does not change what the circuit enforces: a public input is range-checked in the circuit
 * exactly like a private one (a check done only by `zkmlc verify` would not exist for an on-chain
 * verifier). The shortcuts most sensitive to an input bound — 0/1 formulas on bool inputs, an unchecked
 * one-hot index, a floor for a truncation — are checked over the enforced range for both visibilities.
 */

const B = DataType.BOOL;
const I = DataType.INT64;

const cases = (visibility: Visibility): BoundsCase[] => [
  {
    name: "Xor, Or of bool inputs",
    model: graph({
      inputs: [
        ["a", [2], B],
        ["b", [2], B],
      ],
      nodes: [
        ["Xor", ["a", "b"], ["y0"]],
        ["Or", ["a", "b"], ["y1"]],
      ],
      outputs: [
        ["y0", [2], B],
        ["y1", [2], B],
      ],
    }),
    opts: { inputVisibility: visibility },
    count: 20,
    shortcut: async (c) => {
      // a = 2, b = 1: Xor = a + b − 2ab = −1; only a's range check rejects the witness
      const f = await forgeInput(
        c,
        [
          [0n, 0n],
          [1n, 1n],
        ],
        0,
        0,
        2n,
      );
      expectOnlyRangeCheck(f);
      expect(outputValue(c, f.witness, "y0")).toBe(-1n);
    },
  },
  {
    name: "Gather by an int64 input whose enforced range lies inside the axis",
    model: graph({
      inputs: [["j", [2], I]],
      consts: [["T", [4, 3], weights(31, 12)]],
      nodes: [["Gather", ["T", "j"], ["y"]]],
      outputs: [["y", [2, 3]]],
    }),
    opts: { ranges: { j: [0, 2] }, inputVisibility: visibility },
    count: 20,
    shortcut: async (c, valid) => expectOnlyRangeCheck(await forgeInput(c, valid[0] as bigint[][], 0, 0, 4n)),
  },
  {
    name: "Cast to int64 of an input enforced non-negative",
    model: graph({
      inputs: [["x", [2]]],
      nodes: [["Cast", ["x"], ["y"], { to: attr.int(I) }]],
      outputs: [["y", [2], I]],
    }),
    opts: { inputRange: [0, 2.5], inputVisibility: visibility },
    count: 20,
    shortcut: async (c, valid) => {
      // x = −1/128: the floor is −1 where the truncation is 0
      const f = await forgeInput(c, valid[0] as bigint[][], 0, 0, -1n);
      expectOnlyRangeCheck(f);
      expect(outputValue(c, f.witness, "y")).toBe(-1n);
    },
  },
];

describe.each(["private", "public"] as const)("bounds over the enforced range: %s inputs", (visibility) => {
  it.each(cases(visibility).map((c) => [c.name, c] as const))("%s", async (_, cs) => {
    const rep = await runCase(cs);
    expect(rep.circuit.plan.inputs.every((p) => p.visibility === visibility)).toBe(true);
  });
});

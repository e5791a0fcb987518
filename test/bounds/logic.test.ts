import { describe, expect, it } from "vitest";
import type { CmpPrim } from "../../src/3-lower/ir.js";
import {
  type BoundsCase,
  expectOnlyRangeCheck,
  expectPinned,
  forgeInput,
  nodePrims,
  outputValue,
  runCase,
} from "./harness.js";
import { DataType, graph } from "./models.js";

/**
 * Logic on 0/1 values: And = a·b, Or = a + b − a·b, Xor = a + b − 2a·b, Not = 1 − a, Where = y + c·(x − y).
 * These formulas are the truth tables only when the operands are 0 or 1, which the lowering takes from
 * the bounds (booleanOperand): a comparison's output is a bit pinned by its decomposition, a bool graph
 * input is range-checked to one bit. Both are shown enforced: a comparison forged to 2 and a bool input
 * of 2 or −1 (for which Xor's formula gives −1) are rejected.
 */

const B = DataType.BOOL;
const outs = (names: string[], type?: DataType) =>
  names.map((n) => [n, [4], type] as [string, number[], DataType?]);

const cases: BoundsCase[] = [
  {
    name: "And, Or, Xor, Not, Where on comparisons",
    model: graph({
      inputs: [
        ["x", [4]],
        ["z", [4]],
      ],
      consts: [["c", [], [0.25]]],
      nodes: [
        ["Greater", ["x", "z"], ["g"]],
        ["Less", ["x", "c"], ["l"]],
        ["And", ["g", "l"], ["y0"]],
        ["Or", ["g", "l"], ["y1"]],
        ["Xor", ["g", "l"], ["y2"]],
        ["Not", ["g"], ["y3"]],
        ["Where", ["l", "x", "z"], ["y4"]],
      ],
      outputs: [...outs(["y0", "y1", "y2", "y3"], B), ...outs(["y4"])],
    }),
    shortcut: async (c, valid) => {
      for (const n of ["n0", "n1"])
        expect(nodePrims(c, n).some((p): p is CmpPrim => p.kind === "cmp")).toBe(true);
      // the operands are bits pinned by their sign tests: 2 or −1 is rejected there
      await expectPinned(c, valid, "g");
      await expectPinned(c, valid, "l");
    },
  },
  {
    name: "And, Or, Xor, Not, Where on bool graph inputs (and a comparison)",
    model: graph({
      inputs: [
        ["a", [4], B],
        ["b", [4], B],
        ["x", [4]],
      ],
      consts: [
        ["zero", [], [0]],
        ["k", [], [-0.5]],
      ],
      nodes: [
        ["And", ["a", "b"], ["y0"]],
        ["Or", ["a", "b"], ["y1"]],
        ["Xor", ["a", "b"], ["y2"]],
        ["Not", ["a"], ["y3"]],
        ["Where", ["a", "x", "k"], ["y4"]],
        ["Greater", ["x", "zero"], ["g"]],
        ["And", ["a", "g"], ["y5"]],
      ],
      outputs: [...outs(["y0", "y1", "y2", "y3"], B), ...outs(["y4"]), ...outs(["y5"], B)],
    }),
    opts: { ranges: { x: [-1, 1] } },
    shortcut: async (c, valid) => {
      // a bool input's calibrated range is [0, 1] and so is its enforced one (a 1-bit range check)
      expect(c.inputs.slice(0, 2).map((i) => [i.lo, i.top, i.bits])).toEqual([
        [0n, 1n, 1],
        [0n, 1n, 1],
      ]);
      // a = 2, b = 1 makes Xor = a + b − 2ab = −1 and Or = a + b − ab = 1: the formulas rely on
      // a ∈ {0, 1}; the witness the circuit computes for a = 2 satisfies everything but a's range check
      const base = valid[0] as bigint[][];
      const ones = [base[0] ?? [], base[1]?.map(() => 1n) ?? [], base[2] ?? []];
      const f = await forgeInput(c, ones, 0, 0, 2n);
      expectOnlyRangeCheck(f);
      expect(outputValue(c, f.witness, "y2")).toBe(-1n);
    },
  },
];

describe("bounds over the enforced range: logic on 0/1 values", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_, cs) => {
    await runCase(cs);
  });
});

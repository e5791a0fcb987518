import { describe, expect, it } from "vitest";
import type { OneHotPrim } from "../../src/3-lower/ir.js";
import {
  type BoundsCase,
  type BoundsCircuit,
  expectMembershipRejects,
  expectOnlyRangeCheck,
  forgeInput,
  nodePrims,
  outputValue,
  reference,
  runCase,
  tensorId,
} from "./harness.js";
import { attr, DataType, graph, weights } from "./models.js";

/**
 * Indices computed from the input select through a one-hot vector over the index's proven values. Where
 * the enforced range of the index reaches past the axis, the one-hot carries a membership check and an
 * index beyond the axis has no witness; where it lies inside, the check is dropped, and the bound that
 * allowed it is the input's range check, so an input one past its enforced range — whose index would
 * fall outside the axis — is rejected there.
 */

const I = DataType.INT64;

/** The membership checks of node `name`'s one-hot, per index element. */
function checks(c: BoundsCircuit, name: string): boolean[] {
  const p = nodePrims(c, name).find((q): q is OneHotPrim => q.kind === "onehot");
  expect(p, `${name} selects through a one-hot`).toBeDefined();
  return p?.check ?? [];
}

const cases: BoundsCase[] = [
  {
    name: "Gather by int64 inputs: beyond the axis (checked) and inside it (check dropped)",
    model: graph({
      inputs: [
        ["i", [2], I],
        ["j", [2], I],
      ],
      consts: [["T", [4, 3], weights(11, 12)]],
      nodes: [
        ["Gather", ["T", "i"], ["y0"]],
        ["Gather", ["T", "j"], ["y1"]],
      ],
      outputs: [
        ["y0", [2, 3]],
        ["y1", [2, 3]],
      ],
    }),
    // i: calibrated [-2, 3] (all valid), enforced [-2, 5]: 4 and 5 are past the axis of 4;
    // j: calibrated [0, 2], enforced [0, 3]: every enforced value is a valid index
    opts: { ranges: { i: [-2, 3], j: [0, 2] } },
    rejects: true,
    shortcut: async (c, valid) => {
      expect(c.inputs.map((x) => [x.lo, x.top])).toEqual([
        [-2n, 5n],
        [0n, 3n],
      ]);
      expect(checks(c, "n0")).toEqual([true, true]);
      expect(checks(c, "n1")).toEqual([false, false]);
      const base = valid[0] as bigint[][];
      // i = 4, 5: inside the enforced range, past the axis: no witness, the membership check rejects it
      for (const bad of [4n, 5n]) await expectMembershipRejects(c, [[bad, 0n], base[1] ?? []]);
      // j = 4 would select past the axis, unchecked: only j's range check rejects it, and the witness
      // it rejects selects no row of the table (the one-hot's polynomials evaluated at 4)
      const f = await forgeInput(c, base, 1, 0, 4n);
      expectOnlyRangeCheck(f);
      const row = (ints: bigint[][], w?: bigint[]) =>
        [0, 1, 2].map((e) =>
          w ? outputValue(c, w, "y1", e) : reference(c.plan, ints)?.[tensorId(c.plan, "y1")]?.[e],
        );
      const rows = [0n, 1n, 2n, 3n].map((v) => row([base[0] ?? [], [v, 0n]]).join());
      expect(rows).not.toContain(row([], f.witness).join());
    },
  },
  {
    name: "Gather, GatherElements, GatherND, OneHot by Cast(4x) to int64",
    model: graph({
      inputs: [["x", [2, 2]]],
      consts: [
        ["k", [], [4]],
        ["T", [4, 3], weights(12, 12)],
        ["D", [2, 4], weights(13, 8)],
        ["N", [4, 4], weights(14, 16)],
        ["depth", [], [3], I],
        ["onoff", [2], [-0.5, 1]],
      ],
      nodes: [
        ["Mul", ["x", "k"], ["m"]],
        ["Cast", ["m"], ["idx"], { to: attr.int(I) }],
        ["Gather", ["T", "idx"], ["y0"]],
        ["GatherElements", ["D", "idx"], ["y1"], { axis: attr.int(1) }],
        ["GatherND", ["N", "idx"], ["y2"]],
        ["OneHot", ["idx", "depth", "onoff"], ["y3"]],
      ],
      outputs: [
        ["y0", [2, 2, 3]],
        ["y1", [2, 2]],
        ["y2", [2]],
        ["y3", [2, 2, 3]],
      ],
    }),
    // x: calibrated [0, 0.7], enforced [0, 127/128]: idx = trunc(4x) ∈ [0, 3], always a valid index of 4
    // (OneHot of depth 3 maps 3 to all "off", as ONNX says; ScatterElements refuses indices computed from
    // a real value, since quantization error could move its target)
    opts: { inputRange: [0, 0.7] },
    shortcut: async (c, valid) => {
      // the selections share one-hots (one per index element and axis length): none is checked
      const all = c.plan.nodes.flatMap((n) => n.prims.filter((p): p is OneHotPrim => p.kind === "onehot"));
      expect(all.length).toBeGreaterThan(0);
      expect(all.flatMap((p) => p.check).every((b) => !b)).toBe(true);
      // x = 1 would make idx = 4, past every axis of 4: only x's range check rejects it
      const f = await forgeInput(c, valid[0] as bigint[][], 0, 0, 128n);
      expectOnlyRangeCheck(f);
    },
  },
  {
    name: "GatherElements, ScatterElements (add, none) by an int64 input past the axis (checked)",
    model: graph({
      inputs: [
        ["i", [2, 2], I],
        ["u", [2, 2]],
      ],
      consts: [["D", [2, 3], weights(15, 6)]],
      nodes: [
        ["GatherElements", ["D", "i"], ["y0"], { axis: attr.int(1) }],
        ["ScatterElements", ["D", "i", "u"], ["y1"], { axis: attr.int(1), reduction: "add" }],
        ["ScatterElements", ["D", "i", "u"], ["y2"], { axis: attr.int(1) }],
      ],
      outputs: [
        ["y0", [2, 2]],
        ["y1", [2, 3]],
        ["y2", [2, 3]],
      ],
      opset: 16,
    }),
    // i: calibrated [0, 2], enforced [0, 3]: 3 is past the axis of 3
    opts: { ranges: { i: [0, 2], u: [-1, 1] } },
    rejects: true,
    shortcut: async (c, valid) => {
      expect(checks(c, "n0").every((b) => b)).toBe(true);
      const base = valid[0] as bigint[][];
      await expectMembershipRejects(c, [[0n, 3n, 1n, 2n], base[1] ?? []]);
    },
  },
];

describe("bounds over the enforced range: indices computed from the input", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_, cs) => {
    await runCase(cs);
  });
});

import { describe, expect, it } from "vitest";
import {
  type BoundsCase,
  type BoundsCircuit,
  expectOnlyRangeCheck,
  forgeInput,
  nodePrims,
  outputValue,
  runCase,
} from "./harness.js";
import { attr, DataType, graph } from "./models.js";

/**
 * Integer parts and integer division. Truncation toward zero (Cast to an integer type, ONNX integer
 * Div) is a floor where the bounds prove the value non-negative, a ceil where they prove it
 * non-positive, and both plus a sign test otherwise; a signal divisor must be proven positive (or
 * negative, then negated for free). Each choice reads the bounds, so the bound must be enforced: the
 * value at one step past the enforced range would make the floor differ from the truncation, and the
 * circuit rejects that input at its range check.
 */

const kinds = (c: BoundsCircuit, node: string) => nodePrims(c, node).map((p) => p.kind);
const I = DataType.INT64;

/**
 * Input `k` element 0 one below its enforced range: the witness for it (computed by the circuit with
 * the range check widened, or else by the reference) outputs the floor `wrong` for `out`, where the
 * truncation is `right` — the shortcut relies on the bound — and the circuit rejects it. `alone`: no
 * other check would reject that input (the relaxed circuit accepts the witness).
 */
async function floorNeedsBound(
  c: BoundsCircuit,
  valid: bigint[][][],
  k: number,
  out: string,
  [right, wrong]: [bigint, bigint],
  alone: boolean,
) {
  const inp = c.inputs[k];
  if (!inp) throw new Error("no input");
  const f = await forgeInput(c, valid[0] as bigint[][], k, 0, inp.lo - 1n);
  if (alone) expectOnlyRangeCheck(f);
  expect(f.rejection.ok).toBe(false);
  const what = `${out}[0] with ${inp.name}[0] = ${inp.lo - 1n} (truncation: ${right})`;
  expect(outputValue(c, f.witness, out), what).toBe(wrong);
}

const cases: BoundsCase[] = [
  {
    name: "Cast float to int64 (floor where x >= 0 is enforced), Floor, Ceil, Round",
    model: graph({
      inputs: [
        ["x", [4]],
        ["w", [4]],
      ],
      consts: [
        ["k5", [], [5]],
        ["k3", [], [3]],
      ],
      nodes: [
        ["Mul", ["x", "k5"], ["m"]],
        ["Cast", ["m"], ["y0"], { to: attr.int(I) }],
        ["Mul", ["w", "k3"], ["v"]],
        ["Cast", ["v"], ["y1"], { to: attr.int(I) }],
        ["Floor", ["v"], ["y2"]],
        ["Ceil", ["v"], ["y3"]],
        ["Round", ["v"], ["y4"]],
      ],
      outputs: [
        ["y0", [4], I],
        ["y1", [4], I],
        ["y2", [4]],
        ["y3", [4]],
        ["y4", [4]],
      ],
    }),
    // x: calibrated [0, 0.7] = [0, 90] at 2^7, enforced [0, 127]; w: [-1, 1], enforced [-128, 383]
    opts: { ranges: { x: [0, 0.7], w: [-1, 1] } },
    shortcut: async (c, valid) => {
      expect(kinds(c, "n1")).not.toContain("cmp"); // 5x >= 0: truncation = floor
      expect(kinds(c, "n3")).toContain("cmp"); // 3w of either sign: floor, ceil and a sign test
      // x = -1/128 would make the floor -1 where the truncation of -5/128 is 0
      await floorNeedsBound(c, valid, 0, "y0", [0n, -1n], true);
    },
  },
  {
    name: "integer Div by constants and by signals (truncation)",
    model: graph({
      inputs: [
        ["i", [4], I],
        ["d", [4], I],
        ["e", [4], I],
      ],
      consts: [
        ["c3", [], [3], I],
        ["c2", [], [2], I],
        ["cm5", [], [-5], I],
      ],
      nodes: [
        ["Div", ["i", "c3"], ["y0"]],
        ["Div", ["i", "d"], ["y1"]],
        ["Div", ["i", "e"], ["y2"]],
        ["Sub", ["i", "cm5"], ["j"]],
        ["Div", ["j", "c2"], ["y3"]],
        ["Div", ["j", "d"], ["y4"]],
      ],
      outputs: ["y0", "y1", "y2", "y3", "y4"].map((n) => [n, [4], I] as [string, number[], DataType]),
    }),
    // i: calibrated [-5, 4], enforced [-5, 10]; d: [1, 5] -> [1, 8] (proven >= 1); e: [-8, -1] -> exact
    opts: { ranges: { i: [-5, 4], d: [1, 5], e: [-8, -1] } },
    count: 50,
    shortcut: async (c, valid) => {
      expect(c.inputs.map((i) => [i.lo, i.top])).toEqual([
        [-5n, 10n],
        [1n, 8n],
        [-8n, -1n],
      ]);
      expect(kinds(c, "n0")).toContain("cmp"); // i of either sign
      expect(kinds(c, "n4")).not.toContain("cmp"); // j = i + 5 >= 0: a floor
      expect(kinds(c, "n5")).not.toContain("cmp");
      // i = -6 would make j = -1 and the floor of -1/2 is -1 where the truncation is 0 (the quotient
      // check of j / d, proven in [0, 15], rejects it too)
      await floorNeedsBound(c, valid, 0, "y3", [0n, -1n], false);
      // the divisors' signs are their inputs' enforced ranges: d = 0 and e = 0 are rejected there
      for (const k of [1, 2]) {
        const f = await forgeInput(c, valid[0] as bigint[][], k, 0, 0n);
        expect(f.rejection.ok).toBe(false);
      }
    },
  },
];

describe("bounds over the enforced range: integer parts and integer division", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_, cs) => {
    await runCase(cs);
  });
});

import { describe, expect, it } from "vitest";
import type { AffinePrim } from "../../src/3-lower/ir.js";
import {
  checkSample,
  compileBounds,
  enforcedSamples,
  expectOnlyRangeCheck,
  forgeInput,
  mutationSurvivors,
  outputValue,
} from "./harness.js";
import { DataType, graph } from "./models.js";

/** The checks of the harness fail when they should (none of them passes vacuously). */

const I = DataType.INT64;
const table = graph({
  inputs: [["j", [2], I]],
  consts: [["T", [4, 2], [1, -2, 3, -4, 5, -6, 7, -8]]],
  nodes: [["Gather", ["T", "j"], ["y"]]],
  outputs: [["y", [2, 2]]],
});
const gather = graph({
  inputs: [["j", [2], I]],
  consts: [["T", [4, 2], [1, -2, 3, -4, 5, -6, 7, -8]]],
  nodes: [
    ["Gather", ["T", "j"], ["g"]],
    ["Relu", ["g"], ["y"]],
  ],
  outputs: [["y", [2, 2]]],
});

describe("the bounds harness", () => {
  it("samples both enforced ends, the calibrated ends and 0 of every input, deterministically", () => {
    const inputs = [
      {
        name: "x",
        signal: "in_x",
        size: 3,
        scale: 7,
        lo: -128n,
        top: 383n,
        bits: 9,
        calLo: -128n,
        calHi: 128n,
      },
      { name: "b", signal: "in_b", size: 2, scale: 0, lo: 0n, top: 1n, bits: 1, calLo: 0n, calHi: 1n },
    ];
    const s = enforcedSamples(inputs, 30, 7);
    expect(s).toHaveLength(30);
    expect(enforcedSamples(inputs, 30, 7)).toEqual(s);
    const xs = new Set(s.flatMap((v) => v[0] ?? []));
    for (const v of [-128n, 383n, 128n, 0n]) expect(xs.has(v)).toBe(true);
    expect([...xs].every((v) => v >= -128n && v <= 383n)).toBe(true);
    expect(s.some((v) => v[0]?.every((x) => x === 383n) && v[1]?.every((x) => x === 1n))).toBe(true);
  });

  it("flags a bound claimed over the calibrated range only, and a witness that differs from the reference", async () => {
    // j: calibrated [0, 2], enforced [0, 3]
    const c = await compileBounds(gather, { ranges: { j: [0, 2] } });
    await checkSample(c, [[3n, 0n]]);
    const t = c.plan.tensors[c.plan.inputs[0]?.out ?? -1];
    if (!t) throw new Error("no input tensor");
    const hi = t.hi.slice();
    t.hi.fill(2n); // what the analysis would claim from the calibrated range alone
    await expect(checkSample(c, [[3n, 0n]])).rejects.toThrow(/tensor "j" \(#0\) \[0\] = 3 outside \[0, 2\]/);
    t.hi.splice(0, hi.length, ...hi);
    // a reference that disagrees with the circuit (a changed table entry)
    const affine = c.plan.nodes.flatMap((n) => n.prims).find((p): p is AffinePrim => p.kind === "affine");
    if (!affine) throw new Error("no affine prim");
    affine.bias[0] = (affine.bias[0] as bigint) + 1n;
    await expect(checkSample(c, [[0n, 0n]])).rejects.toThrow(/witness vs reference/);
  });

  it("shows that without its range check the circuit accepts an input past it", async () => {
    const c = await compileBounds(table, { ranges: { j: [0, 2] } });
    // j = 4: the unchecked one-hot (its range [0, 3] is enforced) extrapolates its polynomials; the
    // widened circuit accepts that, the real one does not
    const f = await forgeInput(c, [[0n, 0n]], 0, 0, 4n);
    expectOnlyRangeCheck(f);
    const rows = [1n, 3n, 5n, 7n].map(
      (v) => v << BigInt(c.plan.tensors[c.plan.outputs[0]?.tensor ?? -1]?.scale ?? 0),
    );
    expect(rows).not.toContain(outputValue(c, f.witness, "y", 0));
  });

  it("finds a wire no constraint pins", async () => {
    const c = await compileBounds(gather, { ranges: { j: [0, 2] }, float: false });
    expect(await mutationSurvivors(c, [[1n, 2n]])).toEqual([]);
    // drop every constraint on the first output element: it is then free
    const w = c.symbols.get("main.out_y[0]") as number;
    c.r1cs.uses[w] = [];
    expect(await mutationSurvivors(c, [[1n, 2n]])).toEqual(["main.out_y[0]"]);
  });
});

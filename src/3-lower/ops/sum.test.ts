import { describe, expect, it } from "vitest";
import { checkAgainstFloat, checkCircuit, rng, singleOp, uniform } from "../../../test/support/op-check.js";

const r = rng(14);
const samples = (n: number, ...sizes: number[]) =>
  Array.from({ length: n }, () => sizes.map((s) => uniform(r, s)));

describe("Sum", () => {
  it("three inputs with broadcasting and a constant are one free affine map", {
    tags: ["heavy"],
  }, async () => {
    const m = singleOp({
      op: "Sum",
      inputs: [
        ["a", [2, 3]],
        ["b", [3]],
        ["c", [2, 1]],
      ],
      weights: [["k", [1, 3], uniform(r, 3)]],
      output: [2, 3],
    });
    const { plan } = await checkAgainstFloat(m, samples(10, 6, 3, 2));
    expect(plan.tensors.at(-1)?.shape).toEqual([2, 3]);
    expect((await checkCircuit(m, samples(2, 6, 3, 2))).constraints).toBe(11 * 9);
  });

  it("one input is the input itself", async () => {
    const m = singleOp({ op: "Sum", inputs: [["a", [4]]], output: [4] });
    const { plan } = await checkAgainstFloat(m, samples(3, 4));
    expect(plan.nodes.at(-1)?.prims).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { checkAgainstFloat, checkCircuit, rng, singleOp, uniform } from "../../../test/support/op-check.js";

const r = rng(15);
const samples = (n: number, ...sizes: number[]) =>
  Array.from({ length: n }, () => sizes.map((s) => uniform(r, s)));

describe("Mean", () => {
  it("of two inputs is exact at scale + 1; of three at scale + param scale", {
    tags: ["heavy"],
  }, async () => {
    const two = singleOp({
      op: "Mean",
      inputs: [
        ["a", [3]],
        ["b", [3]],
      ],
      output: [3],
    });
    const t = await checkAgainstFloat(two, samples(10, 3, 3));
    expect(t.plan.tensors.at(-1)?.scale).toBe(8);
    expect((await checkCircuit(two, samples(2, 3, 3))).constraints).toBe(6 * 9);
    const three = singleOp({
      op: "Mean",
      inputs: [
        ["a", [2, 3]],
        ["b", [3]],
        ["c", [2, 1]],
      ],
      output: [2, 3],
    });
    const m = await checkAgainstFloat(three, samples(10, 6, 3, 2));
    expect(m.plan.tensors.at(-1)?.scale).toBe(14);
    // 1/3 at 2^-7 is off by 0.0026, times |x| <= 383/128 (the 9-bit private range), three times
    expect(m.errorBound).toBeLessThan(0.03);
  });

  it("one input is the input itself", async () => {
    const m = singleOp({ op: "Mean", inputs: [["a", [4]]], output: [4] });
    const { plan } = await checkAgainstFloat(m, samples(3, 4));
    expect(plan.nodes.at(-1)?.prims).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { checkAgainstFloat, checkCircuit, rng, singleOp, uniform } from "../../../test/support/op-check.js";

const r = rng(22);
const samples = (n: number, ...sizes: number[]) =>
  Array.from({ length: n }, () => sizes.map((s) => uniform(r, s)));

describe("Max", () => {
  it("of three broadcast signals: two Max2 per element, exact", { tags: ["heavy"] }, async () => {
    const m = singleOp({
      op: "Max",
      inputs: [
        ["a", [2, 3]],
        ["b", [3]],
        ["c", [2, 1]],
      ],
      output: [2, 3],
    });
    const s = samples(10, 6, 3, 2);
    const { maxError } = await checkAgainstFloat(m, s);
    expect(maxError).toBeLessThanOrEqual(2 ** -8);
    // differences of two [-128, 383] values lie in [-511, 511]: 10 bits (+1); the running max keeps that range
    expect((await checkCircuit(m, s.slice(0, 2))).constraints).toBe(11 * 9 + 6 * 2 * 11);
  });

  it("with constants (merged, compared last) and with one input", { tags: ["heavy"] }, async () => {
    const m = singleOp({
      op: "Max",
      inputs: [["a", [4]]],
      weights: [
        ["k1", [4], uniform(r, 4)],
        ["k2", [], [0.1]],
      ],
      nodeInputs: ["k1", "a", "k2"],
      output: [4],
    });
    const s = samples(10, 4);
    await checkAgainstFloat(m, s);
    await checkCircuit(m, s.slice(0, 2));
    const one = singleOp({ op: "Max", inputs: [["a", [4]]], output: [4] });
    const { plan } = await checkAgainstFloat(one, samples(2, 4));
    expect(plan.nodes.at(-1)?.prims).toEqual([]);
  });

  it("rejects shapes that do not broadcast", async () => {
    const bad = singleOp({
      op: "Max",
      inputs: [
        ["a", [3]],
        ["b", [4]],
      ],
      output: [4],
    });
    await expect(checkAgainstFloat(bad, [])).rejects.toMatchObject({ code: "bad-shape" });
  });
});

import { describe, expect, it } from "vitest";
import { checkAgainstFloat, checkCircuit, rng, singleOp, uniform } from "../../../test/support/op-check.js";
import { buildModel, DataType, node, valueInfo } from "../../1-decode/onnx-builder.js";

const r = rng(11);
const samples = (n: number, ...sizes: number[]) =>
  Array.from({ length: n }, () => sizes.map((s) => uniform(r, s)));

describe("Mul", () => {
  it("signal × broadcast constant is free, at s + param scale; an exact constant keeps a low scale", {
    tags: ["heavy"],
  }, async () => {
    const m = singleOp({
      op: "Mul",
      inputs: [["x", [2, 3]]],
      weights: [["c", [3], uniform(r, 3)]],
      output: [2, 3],
    });
    const { plan } = await checkAgainstFloat(m, samples(10, 6));
    expect(plan.tensors.at(-1)?.scale).toBe(14);
    const quarter = singleOp({
      op: "Mul",
      inputs: [["x", [4]]],
      weights: [["c", [], [0.25]]],
      nodeInputs: ["c", "x"],
      output: [4],
    });
    const q = await checkAgainstFloat(quarter, samples(5, 4));
    expect(q.plan.tensors.at(-1)?.scale).toBe(9); // 0.25 is exact at scale 2
    expect((await checkCircuit(quarter, samples(2, 4))).constraints).toBe(4 * 9); // only the input checks
  });

  it("signal × signal with broadcasting both ways: one constraint per product", {
    tags: ["heavy"],
  }, async () => {
    const m = singleOp({
      op: "Mul",
      inputs: [
        ["a", [3, 1]],
        ["b", [1, 4]],
      ],
      output: [3, 4],
    });
    const { plan } = await checkAgainstFloat(m, samples(10, 3, 4));
    expect(plan.tensors.at(-1)?.scale).toBe(14);
    expect((await checkCircuit(m, samples(2, 3, 4))).constraints).toBe(7 * 9 + 12);
  });

  it("x·x·x rescales x² to the working scale before the second product (scale stays 2·ws)", {
    tags: ["heavy"],
  }, async () => {
    const m = buildModel({
      nodes: [node("Mul", ["x", "x"], ["h"], {}, "sq"), node("Mul", ["h", "x"], ["y"], {}, "cube")],
      inputs: [valueInfo("x", DataType.FLOAT, [5])],
      outputs: [valueInfo("y", DataType.FLOAT, [5])],
    });
    const s = samples(10, 5);
    const { plan } = await checkAgainstFloat(m, s);
    expect(plan.tensors.at(-1)?.scale).toBe(14);
    // x ∈ [-128, 383] (9-bit check): x² ∈ [-49024, 146689] is 19 bits, its rescale by 2^7 costs 19 + 2
    expect((await checkCircuit(m, s.slice(0, 2))).constraints).toBe(5 * (9 + 1 + 21 + 1));
  });

  it("rejects shapes that do not broadcast", async () => {
    const bad = singleOp({
      op: "Mul",
      inputs: [
        ["a", [2, 3]],
        ["b", [4]],
      ],
      output: [2, 3],
    });
    await expect(checkAgainstFloat(bad, [])).rejects.toMatchObject({ code: "bad-shape" });
  });
});

import { describe, expect, it } from "vitest";
import { checkAgainstFloat, checkCircuit, rng, singleOp, uniform } from "../../../test/support/op-check.js";
import { attr } from "../../1-decode/onnx-builder.js";

const r = rng(21);
const samples = (n: number, ...sizes: number[]) =>
  Array.from({ length: n }, () => sizes.map((s) => uniform(r, s)));

describe("Clip", () => {
  it("constant min and max as inputs (opset 13): one Max2 per bound and element", {
    tags: ["heavy"],
  }, async () => {
    const m = singleOp({
      op: "Clip",
      inputs: [["x", [3, 4]]],
      weights: [
        ["lo", [], [-0.3]],
        ["hi", [], [0.55]],
      ],
      output: [3, 4],
    });
    const s = samples(10, 12);
    const { maxError, errorBound } = await checkAgainstFloat(m, s);
    expect(errorBound).toBeLessThanOrEqual(2 ** -8);
    expect(maxError).toBeLessThanOrEqual(errorBound);
    // x ∈ [-128, 383] vs -38: 10-bit difference; then vs 70 on [-38, 383]: 10 bits (each + 1)
    expect((await checkCircuit(m, s.slice(0, 2))).constraints).toBe(12 * (9 + 11 + 11));
  });

  it("one bound absent, min > max, and a bound the input already respects (free)", async () => {
    const onlyMax = singleOp({
      op: "Clip",
      inputs: [["x", [5]]],
      weights: [["hi", [], [0.2]]],
      nodeInputs: ["x", "", "hi"],
      output: [5],
    });
    await checkAgainstFloat(onlyMax, samples(10, 5));
    const crossed = singleOp({
      op: "Clip",
      inputs: [["x", [5]]],
      weights: [
        ["lo", [], [0.5]],
        ["hi", [], [-0.5]],
      ],
      output: [5],
    });
    await checkAgainstFloat(crossed, samples(10, 5));
    const loose = singleOp({ op: "Clip", inputs: [["x", [5]]], weights: [["lo", [], [-5]]], output: [5] });
    const { plan } = await checkAgainstFloat(loose, samples(3, 5));
    expect(plan.nodes.at(-1)?.prims).toEqual([]);
    const none = singleOp({ op: "Clip", inputs: [["x", [5]]], output: [5] });
    await checkAgainstFloat(none, samples(3, 5));
  });

  it("min and max as signals (as in the ONNX node tests)", { tags: ["heavy"] }, async () => {
    const m = singleOp({
      op: "Clip",
      inputs: [
        ["x", [2, 3]],
        ["lo", []],
        ["hi", []],
      ],
      output: [2, 3],
    });
    const s = Array.from({ length: 10 }, () => [uniform(r, 6), uniform(r, 1, -1, 0), uniform(r, 1, 0, 1)]);
    await checkAgainstFloat(m, s);
    await checkCircuit(m, s.slice(0, 2));
  });

  it("opset 6 attributes min/max", async () => {
    const m = singleOp({
      op: "Clip",
      inputs: [["x", [4]]],
      attrs: { min: attr.float(-0.25), max: attr.float(0.5) },
      output: [4],
      opset: 6,
    });
    await checkAgainstFloat(m, samples(10, 4));
  });

  it("rejects a non-scalar bound", async () => {
    const m = singleOp({ op: "Clip", inputs: [["x", [4]]], weights: [["lo", [2], [0, 1]]], output: [4] });
    await expect(checkAgainstFloat(m, [])).rejects.toMatchObject({ code: "bad-shape" });
  });
});

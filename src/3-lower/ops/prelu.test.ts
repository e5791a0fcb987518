import { describe, expect, it } from "vitest";
import {
  checkAgainstFloat,
  checkCircuit,
  FIXED,
  rng,
  singleOp,
  uniform,
} from "../../../test/support/op-check.js";
import { buildModel, DataType, node, valueInfo } from "../../1-decode/onnx-builder.js";

const r = rng(21);
const wide = { ...FIXED, inputRange: [-4, 4] as [number, number] };

describe("PRelu", () => {
  it("constant slope broadcast over the last axis: exact, one ReLU per element", {
    tags: ["heavy"],
  }, async () => {
    const m = singleOp({
      op: "PRelu",
      inputs: [["x", [3, 4, 5]]],
      weights: [["slope", [5], [0.1, -0.2, 0.5, 1, 2]]],
      output: [3, 4, 5],
      opset: 16,
    });
    const samples = Array.from({ length: 4 }, () => [uniform(r, 60, -4, 4)]);
    const { plan, maxError } = await checkAgainstFloat(m, samples, wide);
    expect(plan.nodes[0]?.prims.map((p) => p.kind)).toEqual(["rescale", "affine"]);
    expect(maxError).toBeLessThan(2 ** -5);
    await checkCircuit(m, samples.slice(0, 1), wide);
  });

  it("a slope per channel ([C, 1, 1]) on NCHW", async () => {
    const m = singleOp({
      op: "PRelu",
      inputs: [["x", [1, 3, 2, 2]]],
      weights: [["slope", [3, 1, 1], [0.25, 0.01, 0.3]]],
      output: [1, 3, 2, 2],
    });
    await checkAgainstFloat(m, [[uniform(r, 12)], [uniform(r, 12)]]);
  });

  it("signal slope (a graph input): one ReLU and one product per element; circuit = reference", {
    tags: ["heavy"],
  }, async () => {
    const m = buildModel({
      nodes: [node("PRelu", ["x", "slope"], ["y"], {}, "n0")],
      inputs: [valueInfo("x", DataType.FLOAT, [3, 4]), valueInfo("slope", DataType.FLOAT, [4])],
      outputs: [valueInfo("y", DataType.FLOAT, [3, 4])],
      opset: 16,
    });
    const samples = Array.from({ length: 4 }, () => [uniform(r, 12, -4, 4), uniform(r, 4, -1, 1)]);
    const { plan, maxError } = await checkAgainstFloat(m, samples, wide);
    expect(plan.nodes[0]?.prims.filter((p) => p.kind === "mul")).toHaveLength(1);
    expect(maxError).toBeLessThan(2 ** -6);
    await checkCircuit(m, samples.slice(0, 2), wide);
  });

  it("rejects a slope that does not broadcast to the input", async () => {
    const m = singleOp({
      op: "PRelu",
      inputs: [["x", [2, 3]]],
      weights: [["slope", [2, 3, 1], [1, 2, 3, 4, 5, 6]]],
      output: [2, 3],
    });
    await expect(checkAgainstFloat(m, [])).rejects.toMatchObject({
      code: "bad-shape",
      node: { opType: "PRelu" },
    });
  });
});

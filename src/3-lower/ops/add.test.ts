import { describe, expect, it } from "vitest";
import { checkAgainstFloat, checkCircuit, rng, singleOp, uniform } from "../../../test/support/op-check.js";
import { buildModel, DataType, node, tensorProto, valueInfo } from "../../1-decode/onnx-builder.js";

const r = rng(3);

describe("Add", () => {
  it("signal + broadcast constant", async () => {
    const m = singleOp({
      op: "Add",
      inputs: [["x", [2, 3]]],
      weights: [["c", [3], uniform(r, 3)]],
      output: [2, 3],
    });
    const { plan } = await checkAgainstFloat(
      m,
      Array.from({ length: 10 }, () => [uniform(r, 6)]),
    );
    expect(plan.tensors.at(-1)?.scale).toBe(7);
  });

  it("signal + signal at different scales aligns them exactly (residual after a Gemm)", {
    tags: ["heavy"],
  }, async () => {
    const W = uniform(r, 9, -0.5, 0.5);
    const m = buildModel({
      nodes: [node("MatMul", ["x", "W"], ["h"], {}, "mm"), node("Add", ["h", "x"], ["y"], {}, "res")],
      initializers: [tensorProto("W", [3, 3], W)],
      inputs: [valueInfo("x", DataType.FLOAT, [1, 3])],
      outputs: [valueInfo("y", DataType.FLOAT, [1, 3])],
    });
    const samples = Array.from({ length: 10 }, () => [uniform(r, 3)]);
    const { plan } = await checkAgainstFloat(m, samples);
    expect(plan.tensors.at(-1)?.scale).toBe(14);
    await checkCircuit(m, samples.slice(0, 2));
  });

  it("broadcasts both ways and rejects incompatible shapes", async () => {
    const m = singleOp({
      op: "Add",
      inputs: [
        ["a", [3, 1]],
        ["b", [1, 4]],
      ],
      output: [3, 4],
    });
    const { plan } = await checkAgainstFloat(m, [[uniform(r, 3), uniform(r, 4)]]);
    expect(plan.tensors.at(-1)?.shape).toEqual([3, 4]);
    const bad = singleOp({
      op: "Add",
      inputs: [
        ["a", [3]],
        ["b", [4]],
      ],
      output: [3],
    });
    await expect(checkAgainstFloat(bad, [])).rejects.toMatchObject({ code: "bad-shape" });
  });
});

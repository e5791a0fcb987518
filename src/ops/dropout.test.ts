import { describe, expect, it } from "vitest";
import { checkAgainstFloat, rng, singleOp, uniform } from "../../test/support/op-check.js";
import { buildModel, DataType, node, tensorProto, valueInfo } from "../1-decode/onnx-builder.js";

describe("Dropout", () => {
  it("is the identity at inference", async () => {
    const m = singleOp({ op: "Dropout", inputs: [["x", [4]]], output: [4] });
    const { plan } = await checkAgainstFloat(m, [[uniform(rng(8), 4)]]);
    expect(plan.nodes[0]?.prims).toEqual([]);
  });

  it("rejects training mode and a used mask output", async () => {
    const training = buildModel({
      nodes: [node("Dropout", ["x", "", "t"], ["y"], {}, "drop")],
      initializers: [tensorProto("t", [], [1], "raw", DataType.BOOL)],
      inputs: [valueInfo("x", DataType.FLOAT, [4])],
      outputs: [valueInfo("y", DataType.FLOAT, [4])],
    });
    await expect(checkAgainstFloat(training, [])).rejects.toMatchObject({
      code: "unsupported-op",
      message: /training/,
    });
    const mask = buildModel({
      nodes: [node("Dropout", ["x"], ["y", "m"], {}, "drop")],
      inputs: [valueInfo("x", DataType.FLOAT, [4])],
      outputs: [valueInfo("y", DataType.FLOAT, [4])],
    });
    await expect(checkAgainstFloat(mask, [])).rejects.toThrow(/mask/);
  });
});

import { describe, expect, it } from "vitest";
import { checkAgainstFloat, rng, uniform } from "../../../test/support/op-check.js";
import { attr, buildModel, DataType, node, tensorProto, valueInfo } from "../../1-decode/onnx-builder.js";

const r = rng(5);

function reshapeModel(shape: number[], out: number[], allowzero?: number): Uint8Array {
  return buildModel({
    nodes: [
      node(
        "Reshape",
        ["x", "s"],
        ["y"],
        allowzero === undefined ? {} : { allowzero: attr.int(allowzero) },
        "rs",
      ),
    ],
    initializers: [tensorProto("s", [shape.length], shape, "int64_data")],
    inputs: [valueInfo("x", DataType.FLOAT, [2, 3, 4])],
    outputs: [valueInfo("y", DataType.FLOAT, out)],
    opset: 14,
  });
}

describe("Reshape", () => {
  it("handles -1 and 0 (copy) and costs nothing", async () => {
    const { plan } = await checkAgainstFloat(reshapeModel([0, -1], [2, 12]), [[uniform(r, 24)]]);
    expect(plan.outputs[0]?.shape).toEqual([2, 12]);
    expect(plan.nodes[0]?.prims).toEqual([]);
  });

  it.each([
    ["reordered all dims", [4, 2, 3], [4, 2, 3]],
    ["reordered last dims", [2, 4, 3], [2, 4, 3]],
    ["reduced dims", [2, 12], [2, 12]],
    ["extended dims", [2, 3, 2, 2], [2, 3, 2, 2]],
    ["one dim", [24], [24]],
    ["negative dim", [2, -1, 2], [2, 6, 2]],
    ["negative extended dims", [-1, 2, 3, 4], [1, 2, 3, 4]],
    ["zero dim", [2, 0, 4, 1], [2, 3, 4, 1]],
    ["zero and negative dim", [2, 0, 1, -1], [2, 3, 1, 4]],
  ])("ONNX variant: %s", async (_, shape, out) => {
    const { plan } = await checkAgainstFloat(reshapeModel(shape, out), [[uniform(r, 24)]]);
    expect(plan.outputs[0]?.shape).toEqual(out);
  });

  it("allowzero = 1 keeps a 0 literal, so it fails for a non-empty input", async () => {
    const { plan } = await checkAgainstFloat(reshapeModel([4, -1], [4, 6], 1), [[uniform(r, 24)]]);
    expect(plan.outputs[0]?.shape).toEqual([4, 6]);
    await expect(checkAgainstFloat(reshapeModel([0, -1], [24], 1), [])).rejects.toMatchObject({
      code: "bad-shape",
    });
  });

  it("rejects values below -1 even when the product matches", async () => {
    await expect(checkAgainstFloat(reshapeModel([-2, -12], [24]), [])).rejects.toMatchObject({
      code: "bad-shape",
      message: /below -1/,
    });
  });

  it("rejects two -1s and sizes that do not match", async () => {
    await expect(checkAgainstFloat(reshapeModel([-1, -1], [24]), [])).rejects.toThrow(/more than one -1/);
    await expect(checkAgainstFloat(reshapeModel([5, -1], [24]), [])).rejects.toMatchObject({
      code: "bad-shape",
      node: { opType: "Reshape" },
    });
  });

  it("rejects a shape computed from the input (not a constant)", async () => {
    const m = buildModel({
      nodes: [node("Reshape", ["x", "s"], ["y"], {}, "rs")],
      inputs: [valueInfo("x", DataType.FLOAT, [4]), valueInfo("s", DataType.INT64, [1])],
      outputs: [valueInfo("y", DataType.FLOAT, [4])],
    });
    await expect(checkAgainstFloat(m, [])).rejects.toMatchObject({
      code: "unsupported-op",
      message: /compile-time constant/,
    });
  });
});

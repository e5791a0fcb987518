import { describe, expect, it } from "vitest";
import { checkAgainstFloat, rng, uniform, writeTempModel } from "../../test/support/op-check.js";
import { attr, buildModel, DataType, node, tensorProto, valueInfo } from "../1-decode/onnx-builder.js";
import { planModel } from "../steps/compile.js";

const r = rng(11);

/** y = x + Cast(Range(0, 4, 1)) * ConstantOfShape([4], 0.5): every node but the Add is constant. */
function constantChain(finalOp = "Add"): Uint8Array {
  return buildModel({
    nodes: [
      node("Range", ["start", "limit", "delta"], ["rng"], {}, "range"),
      node("Cast", ["rng"], ["rngf"], { to: attr.int(DataType.FLOAT) }, "cast"),
      node(
        "ConstantOfShape",
        ["shape"],
        ["half"],
        { value: attr.tensor(tensorProto("", [1], [0.5])) },
        "cos",
      ),
      node("Mul", ["rngf", "half"], ["c"], {}, "mul"),
      node(finalOp, ["x", "c"], ["y"], {}, "final"),
    ],
    initializers: [
      tensorProto("start", [], [0], "raw", DataType.INT64),
      tensorProto("limit", [], [4], "raw", DataType.INT64),
      tensorProto("delta", [], [1], "raw", DataType.INT64),
      tensorProto("shape", [1], [4], "raw", DataType.INT64),
    ],
    inputs: [valueInfo("x", DataType.FLOAT, [4])],
    outputs: [valueInfo("y", DataType.FLOAT, [4])],
    opset: 13,
  });
}

describe("constant folding", () => {
  it("evaluates constant subgraphs with onnxruntime, whatever their ops, at no circuit cost", async () => {
    const { plan } = await checkAgainstFloat(
      constantChain(),
      Array.from({ length: 5 }, () => [uniform(r, 4)]),
    );
    // Only the Add lowers to circuit prims: one affine map, the folded constant in its bias.
    const lowered = plan.nodes.filter((n) => n.prims.length > 0).map((n) => n.node.opType);
    expect(lowered).toEqual(["Add"]);
  });

  it("still rejects an unsupported op on a signal, naming it", async () => {
    const path = writeTempModel(constantChain("BitShift"));
    await expect(planModel(path, { inputRange: [-1, 1] })).rejects.toMatchObject({
      code: "unsupported-op",
      message: expect.stringContaining('"final" (BitShift)'),
    });
  });
});

import { describe, expect, it } from "vitest";
import { checkAgainstFloat, rng, uniform } from "../../../test/support/op-check.js";
import { attr, buildModel, DataType, node, tensorProto, valueInfo } from "../../1-decode/onnx-builder.js";

function withConstant(attrs: Parameters<typeof node>[3], n: number): Uint8Array {
  return buildModel({
    nodes: [node("Constant", [], ["c"], attrs, "k"), node("Add", ["x", "c"], ["y"], {}, "add")],
    inputs: [valueInfo("x", DataType.FLOAT, [n])],
    outputs: [valueInfo("y", DataType.FLOAT, [n])],
  });
}

describe("Constant", () => {
  it("value (tensor), value_float and value_floats feed later ops", async () => {
    const r = rng(9);
    await checkAgainstFloat(
      withConstant({ value: attr.tensor(tensorProto("", [3], [0.25, -0.5, 0.125], "float_data")) }, 3),
      [[uniform(r, 3)]],
    );
    await checkAgainstFloat(withConstant({ value_float: attr.float(0.75) }, 1), [[uniform(r, 1)]]);
    await checkAgainstFloat(withConstant({ value_floats: attr.floats([0.5, 0.25]) }, 2), [[uniform(r, 2)]]);
  });

  it("rejects a Constant without a supported value attribute", async () => {
    await expect(
      checkAgainstFloat(withConstant({ value_string: attr.string("a") }, 1), []),
    ).rejects.toMatchObject({ code: "bad-attribute" });
  });
});

import { describe, expect, it } from "vitest";
import { checkAgainstFloat, checkCircuit, FIXED } from "../../../test/support/op-check.js";
import { exactOutputs, typedModel } from "../../../test/support/typed-model.js";
import { buildModel, DataType, node, tensorProto, valueInfo } from "../../1-decode/onnx-builder.js";

const B = DataType.BOOL;
const BOOLS = { ...FIXED, inputRange: [0, 1] as [number, number] };

describe("Not", () => {
  it("of a bool input: 1 − x, free, exact", { tags: ["heavy"] }, async () => {
    const m = typedModel({ op: "Not", inputs: [["a", [2, 2], B]], outputs: [B] });
    const s = [[Float64Array.of(0, 1, 1, 0)], [Float64Array.of(1, 1, 0, 0)]];
    const { circuit, float } = await exactOutputs(m, s, BOOLS);
    expect(circuit).toEqual(float);
    expect((await checkCircuit(m, s, BOOLS)).constraints).toBe(4);
  });

  it("of a comparison result", async () => {
    const m = buildModel({
      nodes: [node("Greater", ["x", "t"], ["p"], {}, "gt"), node("Not", ["p"], ["y"], {}, "not")],
      initializers: [tensorProto("t", [], [0.1])],
      inputs: [valueInfo("x", DataType.FLOAT, [4])],
      outputs: [valueInfo("y", B)],
    });
    const s = [[Float64Array.of(-1, 0.09375, 0.1015625, 0.5)]];
    const { circuit, float } = await exactOutputs(m, s);
    expect(circuit).toEqual(float);
  });

  it("rejects an input not proven boolean", async () => {
    const m = typedModel({ op: "Not", inputs: [["a", [2], DataType.INT64]], outputs: [B] });
    await expect(checkAgainstFloat(m, [])).rejects.toThrow(/not proven boolean/);
  });
});

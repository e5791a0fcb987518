import { describe, expect, it } from "vitest";
import { checkAgainstFloat, checkCircuit, FIXED, rng } from "../../../test/support/op-check.js";
import { exactOutputs, typedModel } from "../../../test/support/typed-model.js";
import { buildModel, DataType, node, tensorProto, valueInfo } from "../../1-decode/onnx-builder.js";

const r = rng(63);
const B = DataType.BOOL;
const BOOLS = { ...FIXED, inputRange: [0, 1] as [number, number] };
const bits = (n: number) => Float64Array.from({ length: n }, () => (r() < 0.5 ? 1 : 0));

describe("Xor", () => {
  it("of two bool inputs with broadcasting: a + b − 2ab, one product per element, exact", {
    tags: ["heavy"],
  }, async () => {
    const m = typedModel({
      op: "Xor",
      inputs: [
        ["a", [2, 2, 2], B],
        ["b", [2, 2], B],
      ],
      outputs: [B],
    });
    const s = Array.from({ length: 8 }, () => [bits(8), bits(4)]);
    const { circuit, float } = await exactOutputs(m, s, BOOLS);
    expect(circuit).toEqual(float);
    expect((await checkCircuit(m, s.slice(0, 2), BOOLS)).constraints).toBe(12 + 8);
  });

  it("with a constant: c ? 1 − x : x, free; of a tensor with itself: a product, still exact", async () => {
    const m = buildModel({
      nodes: [node("Xor", ["a", "c"], ["y"], {}, "xor")],
      initializers: [tensorProto("c", [3], [1, 0, 1], "raw", B)],
      inputs: [valueInfo("a", B, [3])],
      outputs: [valueInfo("y", B)],
    });
    const s = [[Float64Array.of(0, 1, 1)], [Float64Array.of(1, 0, 0)]];
    const { circuit, float } = await exactOutputs(m, s, BOOLS);
    expect(circuit).toEqual(float);
    const self = typedModel({ op: "Xor", inputs: [["a", [3], B]], nodeInputs: ["a", "a"], outputs: [B] });
    const t = await exactOutputs(self, s, BOOLS);
    expect(t.circuit).toEqual(t.float);
    const { plan } = await checkAgainstFloat(self, s, BOOLS);
    expect(plan.tensors.at(-1)?.hi).toEqual([0n, 0n, 0n]);
  });

  it("rejects operands not proven boolean", async () => {
    const m = typedModel({
      op: "Xor",
      inputs: [
        ["a", [3], DataType.INT64],
        ["b", [3], DataType.INT64],
      ],
      outputs: [B],
    });
    await expect(checkAgainstFloat(m, [])).rejects.toMatchObject({ code: "unsupported-op" });
  });
});

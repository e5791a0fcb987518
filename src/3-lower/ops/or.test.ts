import { describe, expect, it } from "vitest";
import { checkAgainstFloat, checkCircuit, FIXED, rng } from "../../../test/support/op-check.js";
import { exactOutputs, typedModel } from "../../../test/support/typed-model.js";
import { buildModel, DataType, node, tensorProto, valueInfo } from "../../1-decode/onnx-builder.js";

const r = rng(62);
const B = DataType.BOOL;
const BOOLS = { ...FIXED, inputRange: [0, 1] as [number, number] };
const bits = (n: number) => Float64Array.from({ length: n }, () => (r() < 0.5 ? 1 : 0));

describe("Or", () => {
  it("of two bool inputs with broadcasting: a + b − ab, one product per element, exact, bounds [0, 1]", {
    tags: ["heavy"],
  }, async () => {
    const m = typedModel({
      op: "Or",
      inputs: [
        ["a", [3, 1], B],
        ["b", [1, 2], B],
      ],
      outputs: [B],
    });
    const s = Array.from({ length: 8 }, () => [bits(3), bits(2)]);
    const { circuit, float } = await exactOutputs(m, s, BOOLS);
    expect(circuit).toEqual(float);
    const { plan } = await checkAgainstFloat(m, s, BOOLS);
    const out = plan.tensors.at(-1);
    expect([out?.lo, out?.hi]).toEqual([new Array(6).fill(0n), new Array(6).fill(1n)]);
    expect((await checkCircuit(m, s.slice(0, 2), BOOLS)).constraints).toBe(5 + 6);
  });

  it("with a constant: c ? 1 : x, free", async () => {
    const m = buildModel({
      nodes: [node("Or", ["c", "a"], ["y"], {}, "or")],
      initializers: [tensorProto("c", [2], [0, 1], "raw", B)],
      inputs: [valueInfo("a", B, [2])],
      outputs: [valueInfo("y", B)],
    });
    const s = [[Float64Array.of(0, 0)], [Float64Array.of(1, 0)], [Float64Array.of(0, 1)]];
    const { circuit, float } = await exactOutputs(m, s, BOOLS);
    expect(circuit).toEqual(float);
  });

  it("rejects operands not proven boolean", async () => {
    const m = typedModel({
      op: "Or",
      inputs: [
        ["a", [3], DataType.INT64],
        ["b", [3], DataType.INT64],
      ],
      outputs: [B],
    });
    await expect(checkAgainstFloat(m, [])).rejects.toMatchObject({ code: "unsupported-op" });
  });
});

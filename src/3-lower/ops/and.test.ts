import { describe, expect, it } from "vitest";
import { witnessMutations } from "../../../test/support/mutations.js";
import { checkAgainstFloat, checkCircuit, FIXED, rng } from "../../../test/support/op-check.js";
import { exactOutputs, typedModel } from "../../../test/support/typed-model.js";
import { buildModel, DataType, node, tensorProto, valueInfo } from "../../1-decode/onnx-builder.js";

const r = rng(61);
const B = DataType.BOOL;
const BOOLS = { ...FIXED, inputRange: [0, 1] as [number, number] };
const bits = (n: number) => Float64Array.from({ length: n }, () => (r() < 0.5 ? 1 : 0));

describe("And", () => {
  it("of two bool inputs with broadcasting: one product per element, exact; witness pinned", {
    tags: ["heavy"],
  }, async () => {
    const m = typedModel({
      op: "And",
      inputs: [
        ["a", [2, 3], B],
        ["b", [3], B],
      ],
      outputs: [B],
    });
    const s = Array.from({ length: 8 }, () => [bits(6), bits(3)]);
    const { circuit, float } = await exactOutputs(m, s, BOOLS);
    expect(circuit).toEqual(float);
    const { plan } = await checkAgainstFloat(m, s, BOOLS);
    expect(plan.tensors.at(-1)?.err).toEqual(new Float64Array(6));
    // 1-bit input checks, 1 product per output
    expect((await checkCircuit(m, s.slice(0, 2), BOOLS)).constraints).toBe(9 + 6);
    expect(await witnessMutations(m, s.slice(0, 2), BOOLS)).toEqual([]);
  });

  it("with a constant: c ? x : 0, free", async () => {
    const m = buildModel({
      nodes: [node("And", ["a", "c"], ["y"], {}, "and")],
      initializers: [tensorProto("c", [3], [1, 0, 1], "raw", B)],
      inputs: [valueInfo("a", B, [2, 3])],
      outputs: [valueInfo("y", B)],
    });
    const s = Array.from({ length: 4 }, () => [bits(6)]);
    const { circuit, float } = await exactOutputs(m, s, BOOLS);
    expect(circuit).toEqual(float);
    const { plan } = await checkAgainstFloat(m, s, BOOLS);
    expect(plan.nodes.at(-1)?.prims.map((p) => p.kind)).toEqual(["affine"]);
  });

  it("of comparison results (proven 0/1)", async () => {
    const m = buildModel({
      nodes: [
        node("Greater", ["x", "zero"], ["p"], {}, "gt"),
        node("Less", ["x", "half"], ["q"], {}, "lt"),
        node("And", ["p", "q"], ["y"], {}, "and"),
      ],
      initializers: [tensorProto("zero", [], [0]), tensorProto("half", [], [0.5])],
      inputs: [valueInfo("x", DataType.FLOAT, [8])],
      outputs: [valueInfo("y", B)],
    });
    const s = [[Float64Array.of(-1, -1 / 128, 0, 1 / 128, 0.25, 63 / 128, 0.5, 0.75)]];
    const { circuit, float } = await exactOutputs(m, s);
    expect(circuit).toEqual(float);
  });

  it("rejects operands not proven boolean (an int64 input calibrated to [-1, 1])", async () => {
    const m = typedModel({
      op: "And",
      inputs: [
        ["a", [3], DataType.INT64],
        ["b", [3], DataType.INT64],
      ],
      outputs: [B],
    });
    await expect(checkAgainstFloat(m, [])).rejects.toMatchObject({ code: "unsupported-op" });
    await expect(checkAgainstFloat(m, [])).rejects.toThrow(/not proven boolean/);
  });
});

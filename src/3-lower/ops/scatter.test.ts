import { describe, expect, it } from "vitest";
import { ints } from "../../../test/support/computed-index.js";
import { checkAgainstFloat, checkCircuit, FIXED, rng, uniform } from "../../../test/support/op-check.js";
import { exactOutputs, typedModel } from "../../../test/support/typed-model.js";
import { attr, DataType } from "../../1-decode/onnx-builder.js";

const r = rng(74);
const I64 = DataType.INT64;

/** Scatter(x [3, 3], i [2, 3], u [2, 3]) on opset 10 (its last), indices constant or from the input. */
function model(indices?: number[], attrs = {}) {
  return typedModel({
    op: "Scatter",
    inputs: [
      ["x", [3, 3]],
      ...(indices ? [] : [["i", [2, 3], I64] as [string, number[], DataType]]),
      ["u", [2, 3]],
    ],
    consts: indices ? [["i", [2, 3], indices]] : [],
    nodeInputs: ["x", "i", "u"],
    attrs,
    outputs: [DataType.FLOAT],
    opset: 10,
  });
}

describe("Scatter", () => {
  it("is ScatterElements: constant indices free, the last duplicate wins", { tags: ["heavy"] }, async () => {
    const m = model([1, 0, 2, 1, 2, 2], { axis: attr.int(0) });
    const s = Array.from({ length: 3 }, () => [uniform(r, 9), uniform(r, 6)]);
    expect((await checkAgainstFloat(m, s)).maxError).toBeLessThanOrEqual(2 ** -8);
    // 9-bit checks of x and u only: every output copies one input element
    expect((await checkCircuit(m, s.slice(0, 2))).constraints).toBe(9 * 9 + 6 * 9);
  });

  it("with indices computed from the input, on axis 1", async () => {
    const m = model(undefined, { axis: attr.int(1) });
    const opts = { ...FIXED, inputRange: [0, 2] as [number, number] };
    const s = Array.from({ length: 6 }, () => [ints(r, 9, 0, 2), ints(r, 6, 0, 2), ints(r, 6, 0, 2)]);
    const { circuit, float } = await exactOutputs(m, s, opts);
    expect(circuit).toEqual(float);
  });

  it("rejects a reduction attribute (ScatterElements has it from opset 16)", async () => {
    await expect(
      checkAgainstFloat(model([0, 0, 0, 1, 1, 1], { reduction: attr.string("add") }), []),
    ).rejects.toMatchObject({ code: "bad-attribute", node: { opType: "Scatter" }, message: /reduction/ });
  });
});

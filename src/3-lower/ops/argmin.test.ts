import { describe, expect, it } from "vitest";
import { checkAgainstFloat, checkCircuit, rng, uniform } from "../../../test/support/op-check.js";
import { exactOutputs, typedModel } from "../../../test/support/typed-model.js";
import { attr, DataType } from "../../1-decode/onnx-builder.js";

const r = rng(42);
const I64 = DataType.INT64;
const grid = (n: number) => Float64Array.from({ length: n }, () => (Math.floor(r() * 4) - 2) / 8);

describe("ArgMin", () => {
  for (const last of [0, 1]) {
    it(`select_last_index=${last}, negative axis, keepdims 0: exact on ties, equal to onnxruntime`, async () => {
      const m = typedModel({
        op: "ArgMin",
        inputs: [["x", [2, 4, 3]]],
        attrs: { axis: attr.int(-2), keepdims: attr.int(0), select_last_index: attr.int(last) },
        outputs: [I64],
      });
      const s = Array.from({ length: 10 }, () => [grid(24)]);
      const { circuit, float } = await exactOutputs(m, s);
      expect(circuit).toEqual(float);
    });
  }

  it("ArgMax of −x: the same cost (3 Max2 of 11 + 3 zero tests per output)", {
    tags: ["heavy"],
  }, async () => {
    const m = typedModel({ op: "ArgMin", inputs: [["x", [4, 2]]], outputs: [I64] });
    const s = [[grid(8)], [uniform(r, 8)]];
    const { plan } = await checkAgainstFloat(m, s);
    expect(plan.outputs[0]?.shape).toEqual([1, 2]);
    expect((await checkCircuit(m, s)).constraints).toBe(8 * 9 + 2 * (3 * 11 + 2 * 3));
  });

  it("rejects an axis out of range", async () => {
    const m = typedModel({
      op: "ArgMin",
      inputs: [["x", [4, 2]]],
      attrs: { axis: attr.int(-3) },
      outputs: [I64],
    });
    await expect(checkAgainstFloat(m, [])).rejects.toMatchObject({ code: "bad-attribute" });
  });
});

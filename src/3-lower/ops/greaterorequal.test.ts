import { describe, expect, it } from "vitest";
import { checkCircuit, rng } from "../../../test/support/op-check.js";
import { exactOutputs, typedModel } from "../../../test/support/typed-model.js";
import { DataType } from "../../1-decode/onnx-builder.js";

const r = rng(54);
const B = DataType.BOOL;
const grid = (n: number) => Float64Array.from({ length: n }, () => (Math.floor(r() * 8) - 4) / 16);

describe("GreaterOrEqual", () => {
  it("of two signals and with constants on either side: exact on the grid (ties included)", {
    tags: ["heavy"],
  }, async () => {
    const m = typedModel({
      op: "GreaterOrEqual",
      inputs: [
        ["a", [3]],
        ["b", [3]],
      ],
      outputs: [B],
    });
    const s = Array.from({ length: 10 }, () => [grid(3), grid(3)]);
    const { circuit, float } = await exactOutputs(m, s);
    expect(circuit).toEqual(float);
    // a − b ∈ [-511, 511]: 10 bits
    expect((await checkCircuit(m, s.slice(0, 2))).constraints).toBe(6 * 9 + 3 * 10);
    for (const nodeInputs of [
      ["x", "c"],
      ["c", "x"],
    ]) {
      const k = typedModel({
        op: "GreaterOrEqual",
        inputs: [["x", [4]]],
        consts: [["c", [4], [0.1, 0.125, -0.2, -0.25], DataType.FLOAT]],
        nodeInputs,
        outputs: [B],
      });
      const e = await exactOutputs(
        k,
        Array.from({ length: 10 }, () => [grid(4)]),
      );
      expect(e.circuit, nodeInputs.join(" >= ")).toEqual(e.float);
    }
  });
});

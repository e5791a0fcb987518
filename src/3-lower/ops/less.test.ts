import { describe, expect, it } from "vitest";
import { checkCircuit, rng } from "../../../test/support/op-check.js";
import { exactOutputs, typedModel } from "../../../test/support/typed-model.js";
import { DataType } from "../../1-decode/onnx-builder.js";

const r = rng(53);
const B = DataType.BOOL;
const grid = (n: number) => Float64Array.from({ length: n }, () => (Math.floor(r() * 8) - 4) / 16);

describe("Less", () => {
  it("of two signals and with constants on either side: exact on the grid (ties included)", {
    tags: ["heavy"],
  }, async () => {
    const m = typedModel({
      op: "Less",
      inputs: [
        ["a", [2, 3]],
        ["b", [2, 1]],
      ],
      outputs: [B],
    });
    const s = Array.from({ length: 10 }, () => [grid(6), grid(2)]);
    const { circuit, float } = await exactOutputs(m, s);
    expect(circuit).toEqual(float);
    // b − a − 1 ∈ [-512, 510]: 10 bits
    expect((await checkCircuit(m, s.slice(0, 2))).constraints).toBe(8 * 9 + 6 * 10);
    for (const nodeInputs of [
      ["x", "c"],
      ["c", "x"],
    ]) {
      const k = typedModel({
        op: "Less",
        inputs: [["x", [4]]],
        consts: [["c", [4], [0.1, 0.125, -0.2, -0.25], DataType.FLOAT]],
        nodeInputs,
        outputs: [B],
      });
      const t = Array.from({ length: 10 }, () => [grid(4)]);
      const e = await exactOutputs(k, t);
      expect(e.circuit, nodeInputs.join(" < ")).toEqual(e.float);
    }
  });
});

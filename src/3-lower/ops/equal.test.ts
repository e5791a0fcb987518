import { describe, expect, it } from "vitest";
import { witnessMutations } from "../../../test/support/mutations.js";
import { checkAgainstFloat, checkCircuit, FIXED, rng } from "../../../test/support/op-check.js";
import { exactOutputs, typedModel } from "../../../test/support/typed-model.js";
import { DataType } from "../../1-decode/onnx-builder.js";

const r = rng(52);
const B = DataType.BOOL;
const F = DataType.FLOAT;
const grid = (n: number) => Float64Array.from({ length: n }, () => (Math.floor(r() * 4) - 2) / 8);

describe("Equal", () => {
  it("of two broadcast signals: IsZero of a − b (2 per element), exact on the grid", {
    tags: ["heavy"],
  }, async () => {
    const m = typedModel({
      op: "Equal",
      inputs: [
        ["a", [3, 2]],
        ["b", [3, 1]],
      ],
      outputs: [B],
    });
    const s = Array.from({ length: 12 }, () => [grid(6), grid(3)]);
    const { circuit, float } = await exactOutputs(m, s);
    expect(circuit).toEqual(float);
    expect(circuit.flat(2)).toContain(1);
    expect((await checkCircuit(m, s.slice(0, 2))).constraints).toBe(9 * 9 + 6 * 2);
    // only IsZero's inverse hint is free, and only where a = b
    const survivors = await witnessMutations(m, s.slice(0, 1));
    expect(survivors.filter((n) => !n.endsWith(".inv"))).toEqual([]);
  });

  it("with a constant: on the grid exact; off the grid rounded, with error 1", async () => {
    const on = typedModel({
      op: "Equal",
      inputs: [["x", [4]]],
      consts: [["c", [], [0.25], F]],
      outputs: [B],
    });
    const s = Array.from({ length: 8 }, () => [grid(4)]);
    const a = await exactOutputs(on, s);
    expect(a.circuit).toEqual(a.float);
    const off = typedModel({
      op: "Equal",
      inputs: [["x", [4]]],
      consts: [["c", [], [0.3], F]],
      nodeInputs: ["c", "x"],
      outputs: [B],
    });
    const { plan } = await checkAgainstFloat(off, s);
    expect(plan.tensors.at(-1)?.err[0]).toBe(1);
  });

  it("of bool and integer inputs (scale 0): exact, error 0", async () => {
    const m = typedModel({
      op: "Equal",
      inputs: [
        ["a", [4], B],
        ["b", [4], B],
      ],
      outputs: [B],
    });
    const s = [[Float64Array.of(0, 1, 0, 1), Float64Array.of(0, 0, 1, 1)]];
    const { circuit, float } = await exactOutputs(m, s, { ...FIXED, inputRange: [0, 1] });
    expect(circuit).toEqual(float);
    const ints = typedModel({
      op: "Equal",
      inputs: [["a", [3], DataType.INT64]],
      consts: [["k", [1], [2]]],
      outputs: [B],
    });
    const { plan } = await checkAgainstFloat(ints, [[Float64Array.of(2, -3, 0)]], {
      ...FIXED,
      inputRange: [-4, 4],
    });
    expect(plan.tensors.at(-1)?.err).toEqual(new Float64Array(3));
  });

  it("of a tensor with itself is the constant true", async () => {
    const m = typedModel({ op: "Equal", inputs: [["a", [3]]], nodeInputs: ["a", "a"], outputs: [B] });
    await expect(checkAgainstFloat(m, [])).rejects.toThrow(/constant/);
  });
});

import { describe, expect, it } from "vitest";
import { ints } from "../../../test/support/computed-index.js";
import { witnessMutations } from "../../../test/support/mutations.js";
import { checkAgainstFloat, checkCircuit, FIXED, rng } from "../../../test/support/op-check.js";
import { exactOutputs, typedModel } from "../../../test/support/typed-model.js";
import { attr, DataType } from "../../1-decode/onnx-builder.js";

const r = rng(61);
const I64 = DataType.INT64;
const F = DataType.FLOAT;

/** OneHot(i, depth, values) with i an input of the given type and shape, depth and values constants. */
function oneHotModel(o: {
  dims: number[];
  depth: number;
  values: [number, number];
  axis?: number;
  /** Element type of the indices and depth (INT64 unless given). */
  type?: DataType;
  /** Element type of the values and the output (INT64 unless given). */
  valueType?: DataType;
  opset?: number;
}) {
  const type = o.type ?? I64;
  const valueType = o.valueType ?? I64;
  return typedModel({
    op: "OneHot",
    inputs: [["i", o.dims, type]],
    consts: [
      ["depth", [], [o.depth], type],
      ["values", [2], o.values, valueType],
    ],
    attrs: o.axis === undefined ? {} : { axis: attr.int(o.axis) },
    outputs: [valueType],
    opset: o.opset ?? 11,
  });
}
/** i ∈ [-5, 10] calibrated (a 4-bit check): for depth 5, 5..10 are out of range (all off). */
const WIDE = { ...FIXED, inputRange: [-5, 10] as [number, number] };

describe("OneHot", () => {
  it("equals onnxruntime exactly: negative indices count from the end, out-of-range ones give all off", async () => {
    for (const opset of [9, 11]) {
      const m = oneHotModel({ dims: [2, 3], depth: 5, values: [-1, 2], opset });
      const s = Array.from({ length: 6 }, () => [ints(r, 6, -5, 10)]);
      const { circuit, float } = await exactOutputs(m, s, WIDE);
      expect(circuit).toEqual(float);
    }
  });

  it("costs a one-hot over the proven range [-5, 10]: 14 per index; every witness signal pinned", {
    tags: ["heavy"],
  }, async () => {
    const m = oneHotModel({ dims: [3], depth: 5, values: [0, 1] });
    // out-of-range values have a witness too (all off), and every value is pinned
    const s = [[Float64Array.of(-5, 7, 10)], [Float64Array.of(4, 5, -1)], [ints(r, 3, -5, 10)]];
    const { constraints } = await checkCircuit(m, s, WIDE);
    expect(constraints).toBe(3 * 14 + 3 * 4);
    expect(await witnessMutations(m, s.slice(0, 1), WIDE)).toEqual([]);
  });

  it.each([
    [0, [3, 2, 2]],
    [1, [2, 3, 2]],
    [-1, [2, 2, 3]],
  ])("axis %i with real values is exact (values at their exact scale)", async (axis, shape) => {
    const m = oneHotModel({ dims: [2, 2], depth: 3, values: [0.5, -1.25], axis, valueType: F });
    const s = Array.from({ length: 4 }, () => [ints(r, 4, -3, 2)]);
    const { plan, maxError, errorBound } = await checkAgainstFloat(m, s, { ...FIXED, inputRange: [-3, 2] });
    expect(plan.outputs[0]?.shape).toEqual(shape);
    expect([maxError, errorBound]).toEqual([0, 0]);
  });

  it("with a range much wider than depth: an equality test (2) per valid candidate", {
    tags: ["heavy"],
  }, async () => {
    // i ∈ [-60, 67] (a 7-bit check); depth 3 has 6 valid candidates: 12 < a 128-way one-hot
    const opts = { ...FIXED, inputRange: [-60, 67] as [number, number] };
    const m = oneHotModel({ dims: [2], depth: 3, values: [0, 1] });
    const s = [...Array.from({ length: 4 }, () => [ints(r, 2, -3, 2)]), [Float64Array.of(-60, 67)]];
    const { circuit, float } = await exactOutputs(m, s, opts);
    expect(circuit).toEqual(float);
    expect((await checkCircuit(m, s, opts)).constraints).toBe(2 * 12 + 2 * 7);
    const survivors = await witnessMutations(m, s.slice(0, 1), opts);
    expect(survivors.filter((n) => !n.endsWith(".inv"))).toEqual([]);
  });

  it("compares real-valued indices with the positions exactly, as onnxruntime does", {
    tags: ["heavy"],
  }, async () => {
    // onnxruntime selects nothing for 2.5 (the spec's cast to int64 would pick 2); -3 counts from the end
    const m = oneHotModel({ dims: [6], depth: 4, values: [0, 1], type: F, valueType: F });
    const s = [[Float64Array.of(2.5, -1.75, 3, -0.125, -3, 1)], [Float64Array.of(0, -4, -1, 2, 3.5, 0.5)]];
    const opts = { ...FIXED, inputRange: [-4, 4] as [number, number] };
    const { circuit, float } = await exactOutputs(m, s, opts);
    expect(circuit).toEqual(float);
    expect(circuit[0]?.[0]?.filter((v) => v === 1).length).toBe(3);
    // 11-bit input checks; an equality test (2) per valid candidate −4..3; each output sums two tests
    // (k and k − 4): two shared terms, too few to pin (output-rank.ts), so the outputs cost nothing more
    const { constraints } = await checkCircuit(m, s, opts);
    expect(constraints).toBe(6 * 11 + 6 * 2 * 8);
  });

  it("rejects a depth or values computed from the input, and values that are not a pair", async () => {
    const depthInput = typedModel({
      op: "OneHot",
      inputs: [
        ["i", [2], I64],
        ["d", [], I64],
      ],
      consts: [["values", [2], [0, 1]]],
      outputs: [I64],
      opset: 11,
    });
    await expect(checkAgainstFloat(depthInput, [], WIDE)).rejects.toMatchObject({
      code: "unsupported-op",
      node: { opType: "OneHot" },
      message: /depth/,
    });
    const triple = typedModel({
      op: "OneHot",
      inputs: [["i", [2], I64]],
      consts: [
        ["depth", [], [3]],
        ["values", [3], [0, 1, 2]],
      ],
      outputs: [I64],
      opset: 11,
    });
    await expect(checkAgainstFloat(triple, [], WIDE)).rejects.toMatchObject({ code: "bad-shape" });
  });
});

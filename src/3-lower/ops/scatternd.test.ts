import { describe, expect, it } from "vitest";
import { hasWitness, ints } from "../../../test/support/computed-index.js";
import { witnessMutations } from "../../../test/support/mutations.js";
import { checkAgainstFloat, checkCircuit, FIXED, rng, uniform } from "../../../test/support/op-check.js";
import { exactOutputs, typedModel } from "../../../test/support/typed-model.js";
import { attr, DataType } from "../../1-decode/onnx-builder.js";

const r = rng(73);
const I64 = DataType.INT64;
const F = DataType.FLOAT;

/** ScatterND(x, constant indices, u) with x and u float inputs. */
function constModel(
  xDims: number[],
  indices: number[],
  iDims: number[],
  uDims: number[],
  reduction?: string,
) {
  return typedModel({
    op: "ScatterND",
    inputs: [
      ["x", xDims],
      ["u", uDims],
    ],
    consts: [["i", iDims, indices]],
    nodeInputs: ["x", "i", "u"],
    attrs: reduction === undefined ? {} : { reduction: attr.string(reduction) },
    outputs: [F],
    opset: 18,
  });
}

const numel = (d: number[]) => d.reduce((a, b) => a * b, 1);
const opSamples = (xDims: number[], uDims: number[], count = 3) =>
  Array.from({ length: count }, () => [uniform(r, numel(xDims)), uniform(r, numel(uDims))]);

describe("ScatterND", () => {
  it.each<[string, number[], number[], number[], number[], string?]>([
    ["elements (the spec's first example)", [8], [4, 3, 1, 7], [4, 1], [4]],
    ["slices (the spec's second example)", [4, 2, 3], [0, 2], [2, 1], [2, 2, 3]],
    ["tuples of 2, negative", [3, 2, 2], [1, -1, -3, 0], [2, 2], [2, 2]],
    ["add with duplicate tuples", [4, 2, 3], [0, 2, 0], [3, 1], [3, 2, 3], "add"],
    ["mul with duplicate tuples", [4, 2], [1, 1, 3], [3, 1], [3, 2], "mul"],
    ["max with duplicate tuples", [3, 2], [2, 0, 2], [3, 1], [3, 2], "max"],
    ["min", [3, 2], [-1, 1, 2, 0], [2, 2], [2], "min"],
    ["none with duplicate tuples: the last write wins", [3, 2], [1, 1], [2, 1], [2, 2]],
  ])("%s", async (_, xDims, indices, iDims, uDims, reduction) => {
    const m = constModel(xDims, indices, iDims, uDims, reduction);
    const { plan, maxError } = await checkAgainstFloat(m, opSamples(xDims, uDims));
    expect(plan.outputs[0]?.shape).toEqual(xDims);
    expect(maxError).toBeLessThanOrEqual(reduction === "mul" ? 2 ** -6 : 2 ** -7);
  });

  it("with constant indices: none and add are free; mul one product per update element", {
    tags: ["heavy"],
  }, async () => {
    // x [4, 2, 3], u [2, 2, 3] in [-1, 1] at scale 7: 9-bit checks
    const s = opSamples([4, 2, 3], [2, 2, 3], 2);
    const none = constModel([4, 2, 3], [3, 1], [2, 1], [2, 2, 3]);
    expect((await checkCircuit(none, s)).constraints).toBe(24 * 9 + 12 * 9);
    const add = constModel([4, 2, 3], [1, 1], [2, 1], [2, 2, 3], "add");
    expect((await checkCircuit(add, s)).constraints).toBe(24 * 9 + 12 * 9);
    const mul = constModel([4, 2, 3], [1, 1], [2, 1], [2, 2, 3], "mul");
    // both updates hit slice 1 (6 elements): x·u0 (1), at scale 14 that is rescaled to 7 before the next
    // factor (x·u0 ∈ [-128·383, 383²]: 19 bits, + 2 for rounding), then ·u1 (1)
    expect((await checkCircuit(mul, s)).constraints).toBe(24 * 9 + 12 * 9 + 6 * (1 + 21 + 1));
  });

  it("rejects out-of-range tuples, mismatched updates, tuples longer than the rank and unknown reductions", async () => {
    await expect(checkAgainstFloat(constModel([3, 2], [0, 2], [1, 2], [1]), [])).rejects.toMatchObject({
      code: "bad-onnx",
      node: { opType: "ScatterND" },
      message: /index 2 \(tuple 0, component 1\) is out of range for dimension 2/,
    });
    await expect(checkAgainstFloat(constModel([3, 2], [0], [1, 1], [1]), [])).rejects.toMatchObject({
      code: "bad-shape",
      message: /expected \[1,2\]/,
    });
    await expect(checkAgainstFloat(constModel([3], [0, 0], [1, 2], [1]), [])).rejects.toMatchObject({
      code: "bad-shape",
    });
    await expect(checkAgainstFloat(constModel([3], [0], [1, 1], [1], "avg"), [])).rejects.toMatchObject({
      code: "bad-attribute",
      message: /reduction "avg"/,
    });
  });
});

/** ScatterND(x [3, 4, 2], i [2, 2], u [2, 2]) with every input from the model input. */
function computedModel(type: DataType, reduction?: string) {
  return typedModel({
    op: "ScatterND",
    inputs: [
      ["x", [3, 4, 2], type],
      ["i", [2, 2], I64],
      ["u", [2, 2], type],
    ],
    attrs: reduction === undefined ? {} : { reduction: attr.string(reduction) },
    outputs: [type],
    opset: 18,
  });
}
/** [-2, 1] calibrated: x, u 9-bit checks at scale 7; i exactly [-2, 1] (2 bits), all valid for 3 and 4. */
const OPTS = { ...FIXED, inputRange: [-2, 1] as [number, number] };

describe("ScatterND with indices computed from the input", () => {
  it("none: tuple indicators as GatherND's, one product per (update element, candidate); every signal pinned", {
    tags: ["heavy"],
  }, async () => {
    const m = computedModel(F);
    const s = Array.from({ length: 8 }, () => [
      uniform(r, 24, -2, 1),
      ints(r, 4, -2, 1),
      uniform(r, 4, -2, 1),
    ]);
    const { maxError } = await checkAgainstFloat(m, s, OPTS);
    expect(maxError).toBeLessThanOrEqual(2 ** -8);
    // Per tuple: OneHot(4, 0) twice (2 + 2), 3 rows (−2 and 1 alias) × (4 − 1) products: 12 candidates;
    // each of its 2 update elements one product per candidate. Inputs: (24 + 4) × 9 bits, 4 × 2 bits.
    const { constraints } = await checkCircuit(m, s.slice(0, 2), OPTS);
    expect(constraints).toBe(28 * 9 + 4 * 2 + 2 * (2 + 2 + 9) + 4 * 12);
    expect(await witnessMutations(m, s.slice(0, 1), OPTS)).toEqual([]);
    // the first sample writes both tuples to row (1, 3): (1, −1) and (−2, −1); the last write wins
    const si = [
      [ints(r, 24, -2, 1), Float64Array.of(1, -1, -2, -1), Float64Array.of(-2, 1, 0, -1)],
      ...Array.from({ length: 8 }, () => [ints(r, 24, -2, 1), ints(r, 4, -2, 1), ints(r, 4, -2, 1)]),
    ];
    for (const red of [undefined, "add", "max", "min"]) {
      const { circuit, float } = await exactOutputs(computedModel(I64, red), si, OPTS);
      expect(circuit).toEqual(float);
    }
  });

  it("into constant zeros (EZKL's scatter_nd): the first update K − 1 products, the later ones K", {
    tags: ["heavy"],
  }, async () => {
    const m = typedModel({
      op: "ScatterND",
      inputs: [
        ["i", [4, 1], I64],
        ["u", [4], I64],
      ],
      consts: [["z", [8], new Array<number>(8).fill(0)]],
      nodeInputs: ["z", "i", "u"],
      outputs: [I64],
      opset: 13,
    });
    const opts = { ...FIXED, inputRange: [0, 3] as [number, number] };
    const s = [
      [Float64Array.of(0, 1, 2, 3), Float64Array.of(1, 0, 2, 1)],
      ...Array.from({ length: 7 }, () => [ints(r, 4, 0, 3), ints(r, 4, 0, 3)]),
    ];
    const { circuit, float } = await exactOutputs(m, s, opts);
    expect(circuit).toEqual(float);
    // inputs 8 × 2 bits; OneHot(4, 0) = 2 per index; products 3 + 3 × 4; y[4..8) are the constant 0 and
    // a constant output keeps its wiring constraint: 4
    const { constraints } = await checkCircuit(m, s.slice(0, 2), opts);
    expect(constraints).toBe(8 * 2 + 4 * 2 + 3 + 3 * 4 + 4);
    expect(await witnessMutations(m, s.slice(0, 1), opts)).toEqual([]);
  });

  it("has no witness for a tuple outside the data; rejects mul with computed indices", {
    tags: ["heavy"],
  }, async () => {
    const opts = { ...FIXED, inputRange: [-4, 3] as [number, number] };
    const m = computedModel(F);
    const x = new Array<bigint>(24).fill(0n);
    const u = [1n, 2n, 3n, 4n];
    expect(await hasWitness(m, [x, [2n, 3n, -3n, -4n], u], opts)).toBe(true);
    expect(await hasWitness(m, [x, [3n, 0n, 0n, 0n], u], opts)).toBe(false);
    expect(await hasWitness(m, [x, [0n, 0n, 0n, -5n], u], opts)).toBe(false);
    await expect(checkAgainstFloat(computedModel(F, "mul"), [], OPTS)).rejects.toMatchObject({
      code: "unsupported-op",
      message: /reduction "mul" with indices computed/,
    });
  });
});

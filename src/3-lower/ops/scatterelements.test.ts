import { describe, expect, it } from "vitest";
import { hasWitness, ints } from "../../../test/support/computed-index.js";
import { witnessMutations } from "../../../test/support/mutations.js";
import { checkAgainstFloat, checkCircuit, FIXED, rng, uniform } from "../../../test/support/op-check.js";
import { exactOutputs, type TypedConst, typedModel } from "../../../test/support/typed-model.js";
import { attr, DataType } from "../../1-decode/onnx-builder.js";
import { primConstraints } from "../prims/registry.js";

const r = rng(72);
const I64 = DataType.INT64;
const F = DataType.FLOAT;

/** ScatterElements(x [3, 3], constant indices, u) with x and u float inputs. */
interface ConstCase {
  indices: number[];
  dims: number[];
  axis?: number;
  reduction?: string;
  opset?: number;
  /** Constant updates instead of an input. */
  updates?: number[];
}

function constModel(o: ConstCase) {
  const attrs = {
    ...(o.axis === undefined ? {} : { axis: attr.int(o.axis) }),
    ...(o.reduction === undefined ? {} : { reduction: attr.string(o.reduction) }),
  };
  return typedModel({
    op: "ScatterElements",
    inputs: [["x", [3, 3]], ...(o.updates ? [] : [["u", o.dims] as [string, number[]]])],
    consts: [["i", o.dims, o.indices], ...(o.updates ? [["uc", o.dims, o.updates, F] as TypedConst] : [])],
    nodeInputs: ["x", "i", o.updates ? "uc" : "u"],
    attrs,
    outputs: [F],
    opset: o.opset ?? 18,
  });
}

const opSamples = (n: number, count = 3) =>
  Array.from({ length: count }, () => [uniform(r, 9), uniform(r, n)]);

describe("ScatterElements", () => {
  it.each<[string, ConstCase]>([
    ["axis 0 (the spec's example)", { indices: [1, 0, 2, 0, 2, 1], dims: [2, 3] }],
    ["axis 1, negative indices", { indices: [-1, 0, 1, -3], dims: [2, 2], axis: 1 }],
    ["duplicates, none: the last write wins as in onnxruntime", { indices: [1, 1, 1, 1], dims: [4, 1] }],
    ["add with duplicates", { indices: [1, 1, 0, 1, 2, 1], dims: [2, 3], axis: 1, reduction: "add" }],
    ["max with duplicates", { indices: [0, 2, 0, 1, 2, 2], dims: [2, 3], reduction: "max" }],
    ["min", { indices: [2, 2, 0, 1], dims: [2, 2], axis: -1, reduction: "min" }],
    ["mul with duplicates", { indices: [1, 1, 1, 0, 2, 0], dims: [3, 2], reduction: "mul" }],
  ])("%s", async (_, o) => {
    const n = o.dims.reduce((a, b) => a * b, 1);
    const { plan, maxError } = await checkAgainstFloat(constModel(o), opSamples(n));
    expect(plan.outputs[0]?.shape).toEqual([3, 3]);
    expect(maxError).toBeLessThanOrEqual(o.reduction === "mul" ? 2 ** -6 : 2 ** -7);
  });

  it("with constant updates, or into constant data", async () => {
    const m = constModel({ indices: [2, 0, 1], dims: [1, 3], updates: [0.5, -0.25, 3] });
    expect((await checkAgainstFloat(m, [[uniform(r, 9)], [uniform(r, 9)]])).maxError).toBeLessThanOrEqual(
      2 ** -8,
    );
    const zeros = typedModel({
      op: "ScatterElements",
      inputs: [["u", [2, 2]]],
      consts: [
        ["z", [2, 3], [0, 0, 0, 0, 0, 0], F],
        ["i", [2, 2], [2, 0, 1, 2]],
      ],
      nodeInputs: ["z", "i", "u"],
      attrs: { axis: attr.int(1) },
      outputs: [F],
    });
    expect((await checkAgainstFloat(zeros, [[uniform(r, 4)]])).maxError).toBeLessThanOrEqual(2 ** -8);
  });

  it("costs nothing beyond the inputs' checks (none, add), and one Max2 per update (max)", {
    tags: ["heavy"],
  }, async () => {
    // x and u [-1, 1] at scale 7: 9-bit checks ([-128, 383])
    const none = constModel({ indices: [1, 0, 2, 2, 1, 0], dims: [2, 3] });
    const s = opSamples(6, 2);
    expect((await checkCircuit(none, s)).constraints).toBe(9 * 9 + 6 * 9);
    const add = constModel({ indices: [1, 1, 0, 1, 2, 1], dims: [2, 3], axis: 1, reduction: "add" });
    expect((await checkCircuit(add, s)).constraints).toBe(9 * 9 + 6 * 9);
    // max: each update is one Max2 of two [-128, 383] values: difference 10 bits, + 1
    const max = constModel({ indices: [0, 2, 0, 1, 2, 2], dims: [2, 3], reduction: "max" });
    expect((await checkCircuit(max, s)).constraints).toBe(9 * 9 + 6 * 9 + 6 * (10 + 1));
  });

  it("rejects out-of-range indices, mismatched shapes and unknown reductions", async () => {
    await expect(checkAgainstFloat(constModel({ indices: [0, 3], dims: [1, 2] }), [])).rejects.toMatchObject({
      code: "bad-onnx",
      node: { opType: "ScatterElements" },
      message: /index 3 \(flat position 1\)/,
    });
    await expect(
      checkAgainstFloat(constModel({ indices: [0, 1, 2, 0], dims: [1, 4] }), []),
    ).rejects.toMatchObject({ code: "bad-shape", message: /do not fit data/ });
    await expect(
      checkAgainstFloat(constModel({ indices: [0], dims: [1, 1], reduction: "mean" }), []),
    ).rejects.toMatchObject({ code: "bad-attribute", message: /reduction "mean"/ });
  });
});

/** ScatterElements(x [3, 3], i [2, 3], u [2, 3]) on axis 0 with every input from the model input. */
function computedModel(reduction?: string, type = F) {
  return typedModel({
    op: "ScatterElements",
    inputs: [
      ["x", [3, 3], type],
      ["i", [2, 3], I64],
      ["u", [2, 3], type],
    ],
    attrs: reduction === undefined ? {} : { reduction: attr.string(reduction) },
    outputs: [type],
    opset: 18,
  });
}
/** i ∈ [-3, 2] calibrated: range-checked to [-3, 4] (3 bits), so membership in [-3, 2] is checked. */
const OPTS = { ...FIXED, inputRange: [-3, 2] as [number, number] };
const computedSamples = (count: number) =>
  Array.from({ length: count }, () => [uniform(r, 9, -3, 2), ints(r, 6, -3, 2), uniform(r, 6, -3, 2)]);

describe("ScatterElements with indices computed from the input", () => {
  it("none: the last write wins (duplicates too), one product per (update, target); every signal pinned", {
    tags: ["heavy"],
  }, async () => {
    const s = computedSamples(8);
    const { maxError } = await checkAgainstFloat(computedModel(), s, OPTS);
    expect(maxError).toBeLessThanOrEqual(2 ** -8);
    // x, u: [-3, 2] at scale 7 is [-384, 256]: 10-bit checks (proven [-384, 639]); i: 3 bits. Per index OneHot(6, 1) = 5 and 3
    // target rows (k and k − 3 alias); each update costs one product per target row: 6 × 3.
    const { constraints } = await checkCircuit(computedModel(), s.slice(0, 2), OPTS);
    expect(constraints).toBe(9 * 10 + 6 * 10 + 6 * 3 + 6 * 5 + 6 * 3);
    expect(await witnessMutations(computedModel(), s.slice(0, 1), OPTS)).toEqual([]);
    const si = Array.from({ length: 8 }, () => [ints(r, 9, -3, 2), ints(r, 6, -3, 2), ints(r, 6, -3, 2)]);
    const { circuit, float } = await exactOutputs(computedModel(undefined, I64), si, OPTS);
    expect(circuit).toEqual(float);
  });

  it("add: K − 1 products per update; max and min: a Max2 per (update, target), no products", {
    tags: ["heavy"],
  }, async () => {
    const s = computedSamples(6);
    for (const red of ["add", "max", "min"]) {
      const { maxError } = await checkAgainstFloat(computedModel(red), s, OPTS);
      expect(maxError).toBeLessThanOrEqual(2 ** -7);
      const si = Array.from({ length: 4 }, () => [ints(r, 9, -3, 2), ints(r, 6, -3, 2), ints(r, 6, -3, 2)]);
      const { circuit, float } = await exactOutputs(computedModel(red, I64), si, OPTS);
      expect(circuit).toEqual(float);
    }
    const inputs = 9 * 10 + 6 * 10 + 6 * 3 + 6 * 5;
    expect((await checkCircuit(computedModel("add"), s.slice(0, 2), OPTS)).constraints).toBe(inputs + 6 * 2);
    // max: each output compares x with the 2 updates of its column, each term u − M·(1 − e) with
    // M = 639 + 384 = 1023: the differences span [-384 − 639, 639 + 384 + 1023]: 12 bits, + 1
    const { constraints } = await checkCircuit(computedModel("max"), s.slice(0, 2), OPTS);
    expect(constraints).toBe(inputs + 9 * 2 * (12 + 1));
    expect(await witnessMutations(computedModel("max"), s.slice(0, 1), OPTS)).toEqual([]);
  });

  it("into constant zeros: K − 1 products per update where nothing was written before", async () => {
    const m = typedModel({
      op: "ScatterElements",
      inputs: [
        ["i", [1, 2], I64],
        ["u", [1, 2], I64],
      ],
      consts: [["z", [1, 4], [0, 0, 0, 0]]],
      nodeInputs: ["z", "i", "u"],
      attrs: { axis: attr.int(1) },
      outputs: [I64],
    });
    const opts = { ...FIXED, inputRange: [0, 3] as [number, number] };
    const s = Array.from({ length: 8 }, () => [ints(r, 2, 0, 3), ints(r, 2, 0, 3)]);
    const { circuit, float } = await exactOutputs(m, s, opts);
    expect(circuit).toEqual(float);
    const { plan } = await checkAgainstFloat(m, s, opts);
    const cost = (plan.nodes[0]?.prims ?? []).reduce(
      (a, p) => a + primConstraints(p, plan.tensors[p.out]?.lo.length ?? 0),
      0,
    );
    // OneHot(4, 0) = 2 per index; the first update 4 − 1 products, the second (same targets) 4
    expect(cost).toBe(2 * 2 + 3 + 4);
    expect(await witnessMutations(m, s.slice(0, 1), opts)).toEqual([]);
  });

  it("has no witness for an index outside the axis; rejects mul with computed indices", {
    tags: ["heavy"],
  }, async () => {
    const zeros = new Array<bigint>(9).fill(0n);
    const six = new Array<bigint>(6).fill(0n);
    expect(await hasWitness(computedModel(), [zeros, [0n, 1n, 2n, -3n, -1n, 0n], six], OPTS)).toBe(true);
    expect(await hasWitness(computedModel(), [zeros, [0n, 1n, 3n, -3n, -1n, 0n], six], OPTS)).toBe(false);
    await expect(checkAgainstFloat(computedModel("mul"), [], OPTS)).rejects.toMatchObject({
      code: "unsupported-op",
      node: { opType: "ScatterElements" },
      message: /reduction "mul" with indices computed/,
    });
  });
});

import { describe, expect, it } from "vitest";
import { hasWitness, ints } from "../../../test/support/computed-index.js";
import { opModel, samples } from "../../../test/support/data-movement.js";
import { witnessMutations } from "../../../test/support/mutations.js";
import { checkAgainstFloat, checkCircuit, FIXED, rng, uniform } from "../../../test/support/op-check.js";
import { exactOutputs, typedModel } from "../../../test/support/typed-model.js";
import { attr, buildModel, DataType, node, tensorProto, valueInfo } from "../../1-decode/onnx-builder.js";
import { primConstraints } from "../prims/registry.js";

const r = rng(71);
const I64 = DataType.INT64;
const F = DataType.FLOAT;

/** GatherND(x, constant indices) with x a float input. */
function constModel(xDims: number[], indices: number[], dims: number[], batchDims?: number) {
  return opModel({
    op: "GatherND",
    inputs: [["x", xDims]],
    consts: [["i", dims, indices]],
    attrs: batchDims === undefined ? {} : { batch_dims: attr.int(batchDims) },
  });
}

describe("GatherND", () => {
  it.each([
    ["tuples of 2 (slices)", [2, 2, 2], [0, 1, 1, 0], [2, 2], undefined, [2, 2]],
    ["single indices, leading dims", [3, 2], [2, 0, -1], [3, 1], undefined, [3, 2]],
    ["full tuples (elements), negative", [2, 3], [1, -1, 0, 0, -2, 2], [3, 2], undefined, [3]],
    ["batch_dims 1", [2, 3, 2], [2, 0], [2, 1], 1, [2, 2]],
    ["batch_dims 1, tuples of 2", [2, 3, 4], [1, 3, -1, 0, 0, 2, 2, -4], [2, 2, 2], 1, [2, 2]],
  ])("%s", async (_, xDims, indices, dims, batchDims, out) => {
    const m = constModel(xDims, indices, dims, batchDims);
    const { plan, maxError } = await checkAgainstFloat(m, samples(r, [xDims]));
    expect(plan.outputs[0]?.shape).toEqual(out);
    expect(maxError).toBeLessThanOrEqual(2 ** -8);
  });

  it("with constant indices is free wiring: only the input's range checks", { tags: ["heavy"] }, async () => {
    // x [2, 2, 2] (9-bit checks at scale 7 for [-1, 1]); the tuples permute its two-element rows
    const m = constModel([2, 2, 2], [1, 1, 0, 1, 1, 0, 0, 0], [4, 2]);
    const s = samples(r, [[2, 2, 2]], 2);
    const { plan } = await checkAgainstFloat(m, s);
    expect(plan.outputs[0]?.shape).toEqual([4, 2]);
    const { constraints } = await checkCircuit(m, s);
    expect(constraints).toBe((plan.inputs[0]?.bits ?? 0) * 8);
  });

  it("rejects out-of-range indices, bad batch_dims and tuples longer than the data's rank", async () => {
    await expect(checkAgainstFloat(constModel([2, 3], [1, 3], [1, 2]), [])).rejects.toMatchObject({
      code: "bad-onnx",
      node: { opType: "GatherND" },
      message: /index 3 \(tuple 0, component 1\) is out of range for dimension 3/,
    });
    await expect(checkAgainstFloat(constModel([2, 3], [0, 1], [2, 1], 2), [])).rejects.toMatchObject({
      code: "bad-attribute",
      message: /batch_dims 2/,
    });
    await expect(checkAgainstFloat(constModel([2, 3], [0, 1, 0], [1, 3]), [])).rejects.toMatchObject({
      code: "bad-shape",
    });
  });
});

/** GatherND(x [3, 4, 5], i [2, 2]) with both inputs from the model input: two tuples select rows of 5. */
const computed = buildModel({
  nodes: [node("GatherND", ["x", "i"], ["y"], {}, "g")],
  inputs: [valueInfo("x", F, [3, 4, 5]), valueInfo("i", I64, [2, 2])],
  outputs: [valueInfo("y", F, [2, 5])],
});
/** [-2, 1] calibrated: x 9-bit checks at scale 7; i exactly [-2, 1] (2 bits), all valid for 3 and 4. */
const OPTS = { ...FIXED, inputRange: [-2, 1] as [number, number] };

describe("GatherND with indices computed from the input", () => {
  it("selects slices from signals: one-hots per component, products to combine, exact for integers", {
    tags: ["heavy"],
  }, async () => {
    const s = Array.from({ length: 6 }, () => [uniform(r, 60, -2, 1), ints(r, 4, -2, 1)]);
    const { maxError } = await checkAgainstFloat(computed, s, OPTS);
    expect(maxError).toBeLessThanOrEqual(2 ** -8);
    // Per tuple: component 0 (dim 3): OneHot(4, 0) = 2, and −2, 1 alias row 1: 3 positions; component 1
    // (dim 4): OneHot(4, 0) = 2, 4 positions; combined 3·(4 − 1) = 9 products into 12 candidates; each of
    // the 5 outputs 12 − 1 products. Inputs: 60 × 9 bits, 4 × 2 bits.
    const { constraints } = await checkCircuit(computed, s.slice(0, 2), OPTS);
    expect(constraints).toBe(60 * 9 + 4 * 2 + 2 * (2 + 2 + 9 + 5 * 11));
    expect(await witnessMutations(computed, s.slice(0, 1), OPTS)).toEqual([]);
    const integer = buildModel({
      nodes: [node("GatherND", ["x", "i"], ["y"], {}, "g")],
      inputs: [valueInfo("x", I64, [3, 4, 5]), valueInfo("i", I64, [2, 2])],
      outputs: [valueInfo("y", I64, [2, 5])],
    });
    const si = Array.from({ length: 6 }, () => [ints(r, 60, -2, 1), ints(r, 4, -2, 1)]);
    const { circuit, float } = await exactOutputs(integer, si, OPTS);
    expect(circuit).toEqual(float);
  });

  it("has no witness for a tuple component outside its dimension", { tags: ["heavy"] }, async () => {
    // i ∈ [-4, 3] calibrated (3 bits): both components need a membership check
    const opts = { ...FIXED, inputRange: [-4, 3] as [number, number] };
    const zeros = new Array<bigint>(60).fill(0n);
    expect(await hasWitness(computed, [zeros, [2n, 3n, -3n, -4n]], opts)).toBe(true);
    expect(await hasWitness(computed, [zeros, [3n, 0n, 0n, 0n]], opts)).toBe(false);
    expect(await hasWitness(computed, [zeros, [0n, 0n, -4n, -1n]], opts)).toBe(false);
    await expect(
      checkAgainstFloat(computed, [[uniform(r, 60, -4, 3), Float64Array.of(0, 1, 1, -5)]], opts),
    ).rejects.toMatchObject({ code: "input-out-of-range" });
  });

  it("from a constant table: free selection after the one-hots", { tags: ["heavy"] }, async () => {
    const m = typedModel({
      op: "GatherND",
      inputs: [["i", [3, 2], I64]],
      consts: [["t", [3, 4], Array.from({ length: 12 }, (_, k) => (k * 5) % 7), I64]],
      nodeInputs: ["t", "i"],
      outputs: [I64],
    });
    const s = Array.from({ length: 6 }, () => [ints(r, 6, -2, 1)]);
    const { circuit, float } = await exactOutputs(m, s, OPTS);
    expect(circuit).toEqual(float);
    // per tuple: 2 + 2 (one-hots) + 3·(4 − 1) (combining); selecting from constants is free
    const { constraints } = await checkCircuit(m, s.slice(0, 2), OPTS);
    expect(constraints).toBe(6 * 2 + 3 * (2 + 2 + 9));
  });

  it("with a batch index fixed by the graph (TF's BatchGatherND) costs only the varying component's one-hot", {
    tags: ["heavy"],
  }, async () => {
    // indices = Concat(zeros, i) along the last axis: component 0 is always 0, so no products combine
    const m = buildModel({
      nodes: [
        node("Concat", ["z", "i"], ["c"], { axis: attr.int(2) }, "cat"),
        node("GatherND", ["x", "c"], ["y"], {}, "g"),
      ],
      initializers: [tensorProto("z", [1, 3, 1], [0, 0, 0], "raw", I64)],
      inputs: [valueInfo("x", F, [1, 4, 2]), valueInfo("i", I64, [1, 3, 1])],
      outputs: [valueInfo("y", F, [1, 3, 2])],
    });
    const opts = { ...FIXED, inputRange: [0, 3] as [number, number] };
    const s = Array.from({ length: 5 }, () => [uniform(r, 8, 0, 3), ints(r, 3, 0, 3)]);
    const { plan, maxError } = await checkAgainstFloat(m, s, opts);
    expect(maxError).toBeLessThanOrEqual(2 ** -8);
    const cost = (plan.nodes[1]?.prims ?? []).reduce(
      (a, p) => a + primConstraints(p, plan.tensors[p.out]?.lo.length ?? 0),
      0,
    );
    // per tuple: OneHot(1, 0) free, OneHot(4, 0) = 2; then 2 outputs × 3 products
    expect(cost).toBe(3 * (2 + 2 * 3));
    await checkCircuit(m, s.slice(0, 2), opts);
  });

  it("with batch_dims 1: each batch selects within its own slice", { tags: ["heavy"] }, async () => {
    // x [2, 3, 2], i [2, 2, 1]: tuple (b, t) selects x[b, i[b, t]], a row of 2
    const m = typedModel({
      op: "GatherND",
      inputs: [
        ["x", [2, 3, 2], I64],
        ["i", [2, 2, 1], I64],
      ],
      attrs: { batch_dims: attr.int(1) },
      outputs: [I64],
    });
    const opts = { ...FIXED, inputRange: [-3, 2] as [number, number] };
    const s = Array.from({ length: 8 }, () => [ints(r, 12, -3, 2), ints(r, 4, -3, 2)]);
    const { circuit, float } = await exactOutputs(m, s, opts);
    expect(circuit).toEqual(float);
    // x 12 × 3 bits, i 4 × 3 bits; per tuple OneHot(6, 1) = 5 (i's check reaches 4); 2 outputs × 2 products
    expect((await checkCircuit(m, s.slice(0, 2), opts)).constraints).toBe(12 * 3 + 4 * 3 + 4 * (5 + 2 * 2));
  });

  it("rejects real-valued indices", async () => {
    const real = buildModel({
      nodes: [node("GatherND", ["t", "i"], ["y"], {}, "g")],
      initializers: [tensorProto("t", [4], [1, 2, 3, 4])],
      inputs: [valueInfo("i", F, [2, 1])],
      outputs: [valueInfo("y", F, [2])],
    });
    await expect(checkAgainstFloat(real, [])).rejects.toMatchObject({
      code: "unsupported-op",
      node: { opType: "GatherND" },
      message: /not as exact integers/,
    });
  });
});

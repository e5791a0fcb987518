import { describe, expect, it } from "vitest";
import { hasWitness, ints } from "../../../test/support/computed-index.js";
import { opModel, samples } from "../../../test/support/data-movement.js";
import { witnessMutations } from "../../../test/support/mutations.js";
import { checkAgainstFloat, checkCircuit, FIXED, rng, uniform } from "../../../test/support/op-check.js";
import { exactOutputs, typedModel } from "../../../test/support/typed-model.js";
import { attr, buildModel, DataType, node, tensorProto, valueInfo } from "../../1-decode/onnx-builder.js";
import type { OneHotPrim } from "../ir.js";
import { primConstraints } from "../prims/registry.js";

const r = rng(25);
const I64 = DataType.INT64;
const F = DataType.FLOAT;

function gatherModel(indices: number[], dims: number[], axis?: number, after?: string) {
  return opModel({
    op: "Gather",
    inputs: [["x", [3, 4, 2]]],
    consts: [["i", dims, indices]],
    attrs: axis === undefined ? {} : { axis: attr.int(axis) },
    after,
  });
}

describe("Gather", () => {
  it.each([
    ["axis 0, vector", [2, 0], [2], undefined, [2, 4, 2]],
    ["axis 1, 2-D indices", [0, 1, 3, 3, 2, 1], [2, 3], 1, [3, 2, 3, 2]],
    ["axis -1, scalar index", [1], [], -1, [3, 4]],
    ["negative indices", [-1, -3, 0], [3], 1, [3, 3, 2]],
  ])("%s", async (_, indices, dims, axis, out) => {
    const { plan, maxError } = await checkAgainstFloat(
      gatherModel(indices, dims, axis),
      samples(r, [[3, 4, 2]]),
    );
    expect(plan.outputs[0]?.shape).toEqual(out);
    expect(maxError).toBeLessThanOrEqual(2 ** -8);
  });

  it("compiles repeated rows (here followed by a Relu)", { tags: ["heavy"] }, async () => {
    const m = gatherModel([0, 2, 0], [3], 0, "Relu");
    await checkCircuit(m, samples(r, [[3, 4, 2]], 2));
  });

  it("rejects an out-of-range constant index", async () => {
    await expect(checkAgainstFloat(gatherModel([3], [1]), [])).rejects.toMatchObject({
      code: "bad-onnx",
      node: { opType: "Gather" },
    });
  });
});

/** Gather(table, i) with a constant table [5, 3] and int64 indices i [2, 2] from the input. */
const table = (type: DataType, values: ArrayLike<number>) =>
  typedModel({
    op: "Gather",
    inputs: [["i", [2, 2], I64]],
    consts: [["t", [5, 3], values, type]],
    nodeInputs: ["t", "i"],
    outputs: [type],
  });
/** i ∈ [-5, 4] calibrated: range-checked to [-5, 10] (4 bits), so membership in [-5, 4] is checked. */
const WIDE = { ...FIXED, inputRange: [-5, 4] as [number, number] };

describe("Gather with indices computed from the input", () => {
  it("from a constant table (an embedding): free selection, exact for integers, 9 per checked index", {
    tags: ["heavy"],
  }, async () => {
    const s = Array.from({ length: 6 }, () => [ints(r, 4, -5, 4)]);
    const intTable = table(
      I64,
      Array.from({ length: 15 }, (_, k) => (k * 7) % 11),
    );
    const { circuit, float } = await exactOutputs(intTable, s, WIDE);
    expect(circuit).toEqual(float);
    // the index tests: OneHot(10, 1) per element, 9 constraints; 4 bits of range check per index
    const { constraints } = await checkCircuit(intTable, s.slice(0, 2), WIDE);
    expect(constraints).toBe(4 * 9 + 4 * 4);
    const { maxError, plan } = await checkAgainstFloat(table(F, uniform(r, 15)), s, WIDE);
    expect(maxError).toBeLessThanOrEqual(2 ** -8);
    expect(plan.tensors.at(-1)?.scale).toBe(7);
  });

  it("has no witness for an index inside the calibrated range but outside the axis", {
    tags: ["heavy"],
  }, async () => {
    const m = table(
      I64,
      Array.from({ length: 15 }, (_, k) => k),
    );
    await expect(exactOutputs(m, [[Float64Array.of(0, 1, 7, -5)]], WIDE)).rejects.toMatchObject({
      code: "input-out-of-range",
    });
    expect(await hasWitness(m, [[0n, 1n, 2n, -5n]], WIDE)).toBe(true);
    for (const bad of [5n, 7n, 10n]) expect(await hasWitness(m, [[0n, bad, 2n, -5n]], WIDE)).toBe(false);
  });

  it("from signal data on axis 1: one product per extra position; every witness signal pinned", {
    tags: ["heavy"],
  }, async () => {
    // i ∈ [-4, 3] is proven (3-bit check) and lies in [-4, 4): no membership check, OneHot(8, 0) costs 6;
    // k and k − 4 select the same column, so each output has 4 positions and 3 products.
    const m = buildModel({
      nodes: [node("Gather", ["x", "i"], ["y"], { axis: attr.int(1) }, "g")],
      inputs: [valueInfo("x", F, [3, 4]), valueInfo("i", I64, [2])],
      outputs: [valueInfo("y", F, [3, 2])],
    });
    const opts = { ...FIXED, inputRange: [-4, 3] as [number, number] };
    const s = Array.from({ length: 5 }, () => [uniform(r, 12, -4, 3), ints(r, 2, -4, 3)]);
    const { maxError } = await checkAgainstFloat(m, s, opts);
    expect(maxError).toBeLessThanOrEqual(2 ** -8);
    const { constraints } = await checkCircuit(m, s.slice(0, 2), opts);
    expect(constraints).toBe(12 * 10 + 2 * 3 + 2 * 6 + 6 * 3);
    expect(await witnessMutations(m, s.slice(0, 1), opts)).toEqual([]);
  });

  it("from an ArgMax: proven in range, so the one-hot needs no membership check", {
    tags: ["heavy"],
  }, async () => {
    const m = buildModel({
      nodes: [
        node("ArgMax", ["x"], ["a"], { axis: attr.int(1), keepdims: attr.int(0) }, "am"),
        node("Gather", ["t", "a"], ["y"], {}, "g"),
      ],
      initializers: [tensorProto("t", [4, 2], [3, -1, 4, 1, -5, 9, 2, 6], "raw", I64)],
      inputs: [valueInfo("x", F, [2, 4])],
      outputs: [valueInfo("y", I64, [2, 2])],
    });
    const grid = () => Float64Array.from({ length: 8 }, () => (Math.floor(r() * 4) - 2) / 8);
    const s = Array.from({ length: 8 }, () => [grid()]);
    const { circuit, float } = await exactOutputs(m, s);
    expect(circuit).toEqual(float);
    const { plan } = await checkAgainstFloat(m, s);
    const p = plan.nodes[1]?.prims.find((q): q is OneHotPrim => q.kind === "onehot");
    expect(p?.check).toEqual([false, false]);
    expect(p && primConstraints(p, 8)).toBe(2 * 2);
    await checkCircuit(m, s.slice(0, 2));
  });

  it("rejects indices with no valid candidate and real-valued indices", async () => {
    const m = table(
      I64,
      Array.from({ length: 15 }, (_, k) => k),
    );
    await expect(checkAgainstFloat(m, [], { ...FIXED, inputRange: [5, 6] })).rejects.toMatchObject({
      code: "bad-onnx",
      node: { opType: "Gather", name: "n0" },
      message: /none of them a valid index/,
    });
    const real = buildModel({
      nodes: [node("Gather", ["t", "i"], ["y"], {}, "g")],
      initializers: [tensorProto("t", [4], [1, 2, 3, 4])],
      inputs: [valueInfo("i", F, [2])],
      outputs: [valueInfo("y", F, [2])],
    });
    await expect(checkAgainstFloat(real, [])).rejects.toMatchObject({
      code: "unsupported-op",
      message: /not as exact integers/,
    });
  });
});

import { describe, expect, it } from "vitest";
import { hasWitness, ints } from "../../../test/support/computed-index.js";
import { opModel, samples } from "../../../test/support/data-movement.js";
import { witnessMutations } from "../../../test/support/mutations.js";
import { checkAgainstFloat, checkCircuit, FIXED, rng, uniform } from "../../../test/support/op-check.js";
import { exactOutputs } from "../../../test/support/typed-model.js";
import { attr, buildModel, DataType, node, tensorProto, valueInfo } from "../../1-decode/onnx-builder.js";
import { primConstraints } from "../prims/registry.js";

const r = rng(26);
const I64 = DataType.INT64;
const F = DataType.FLOAT;

function model(indices: number[], dims: number[], axis?: number) {
  return opModel({
    op: "GatherElements",
    inputs: [["x", [3, 3]]],
    consts: [["i", dims, indices]],
    attrs: axis === undefined ? {} : { axis: attr.int(axis) },
  });
}

describe("GatherElements", () => {
  it.each([
    ["axis 0", [1, 2, 0, 2, 0, 0], [2, 3], undefined],
    ["axis 1", [0, 0, 1, 0, 2, 1], [3, 2], 1],
    ["axis -1, negative indices", [-1, 0, -3, 1, -2, 2, 0, 0, -1], [3, 3], -1],
  ])("%s", async (_, indices, dims, axis) => {
    const { plan, maxError } = await checkAgainstFloat(model(indices, dims, axis), samples(r, [[3, 3]]));
    expect(plan.outputs[0]?.shape).toEqual(dims);
    expect(maxError).toBeLessThanOrEqual(2 ** -8);
  });

  it("compiles a permutation of the input", { tags: ["heavy"] }, async () => {
    const m = model([2, 1, 0, 0, 2, 1, 1, 0, 2], [3, 3], 1);
    const s = samples(r, [[3, 3]], 2);
    const { plan } = await checkAgainstFloat(m, s);
    const { constraints } = await checkCircuit(m, s);
    expect(constraints).toBe((plan.inputs[0]?.bits ?? 0) * 9);
  });

  it("rejects indices of another rank and out-of-range indices", async () => {
    await expect(checkAgainstFloat(model([0, 1, 2], [3]), [])).rejects.toMatchObject({
      code: "bad-shape",
      node: { opType: "GatherElements" },
    });
    await expect(checkAgainstFloat(model([0, 3, 1], [1, 3]), [])).rejects.toMatchObject({ code: "bad-onnx" });
  });
});

/** GatherElements(x [3, 3], i [3, 2]) on axis 1 with both inputs from the model input. */
const computed = buildModel({
  nodes: [node("GatherElements", ["x", "i"], ["y"], { axis: attr.int(1) }, "ge")],
  inputs: [valueInfo("x", F, [3, 3]), valueInfo("i", I64, [3, 2])],
  outputs: [valueInfo("y", F, [3, 2])],
});
/** i ∈ [-3, 2] calibrated: range-checked to [-3, 4] (3 bits), so membership in [-3, 2] is checked. */
const OPTS = { ...FIXED, inputRange: [-3, 2] as [number, number] };

describe("GatherElements with indices computed from the input", () => {
  it("selects from signals: OneHot(6, 1) and 2 products per element, exact on integers, every signal pinned", {
    tags: ["heavy"],
  }, async () => {
    const s = Array.from({ length: 5 }, () => [uniform(r, 9, -3, 2), ints(r, 6, -3, 2)]);
    const { maxError } = await checkAgainstFloat(computed, s, OPTS);
    expect(maxError).toBeLessThanOrEqual(2 ** -8);
    // x: 9 × 10-bit checks at scale 7; i: 6 × 3 bits; per element 5 (one-hot) + 2 (k and k − 3 alias: 3 columns)
    const { constraints } = await checkCircuit(computed, s.slice(0, 2), OPTS);
    expect(constraints).toBe(9 * 10 + 6 * 3 + 6 * (5 + 2));
    expect(await witnessMutations(computed, s.slice(0, 1), OPTS)).toEqual([]);
    const integer = buildModel({
      nodes: [node("GatherElements", ["x", "i"], ["y"], { axis: attr.int(1) }, "ge")],
      inputs: [valueInfo("x", I64, [3, 3]), valueInfo("i", I64, [3, 2])],
      outputs: [valueInfo("y", I64, [3, 2])],
    });
    const si = Array.from({ length: 5 }, () => [ints(r, 9, -3, 2), ints(r, 6, -3, 2)]);
    const { circuit, float } = await exactOutputs(integer, si, OPTS);
    expect(circuit).toEqual(float);
  });

  it("has no witness for an index inside the calibrated range but outside the axis", {
    tags: ["heavy"],
  }, async () => {
    const zeros = new Array<bigint>(9).fill(0n);
    expect(await hasWitness(computed, [zeros, [0n, 1n, 2n, -3n, -1n, 0n]], OPTS)).toBe(true);
    expect(await hasWitness(computed, [zeros, [0n, 1n, 2n, 3n, -1n, 0n]], OPTS)).toBe(false);
    await expect(
      checkAgainstFloat(computed, [[uniform(r, 9, -3, 2), Float64Array.of(0, 1, 2, 4, -1, 0)]], OPTS),
    ).rejects.toMatchObject({ code: "input-out-of-range" });
  });

  it("of an ArgMax along the same axis is the row maximum (exact one-hot, no membership check)", {
    tags: ["heavy"],
  }, async () => {
    const m = buildModel({
      nodes: [
        node("ArgMax", ["x"], ["a"], { axis: attr.int(1) }, "am"),
        node("GatherElements", ["x", "a"], ["y"], { axis: attr.int(1) }, "ge"),
      ],
      inputs: [valueInfo("x", F, [2, 5])],
      outputs: [valueInfo("y", F, [2, 1])],
    });
    const s = Array.from({ length: 4 }, () => [uniform(r, 10)]);
    const { plan, maxError } = await checkAgainstFloat(m, s);
    expect(maxError).toBeLessThanOrEqual(2 ** -8);
    const p = plan.nodes[1]?.prims.find((q) => q.kind === "onehot");
    expect(p?.kind === "onehot" && p.check).toEqual([false, false]);
    await checkCircuit(m, s.slice(0, 2));
  });

  it("from a constant table is free (the tree pattern: a feature index picked by a comparison)", {
    tags: ["heavy"],
  }, async () => {
    // feature = t[c] with c = [x0 > 0] ∈ {0, 1}: a free two-way one-hot; then x[feature]
    const m = buildModel({
      nodes: [
        node("Gather", ["x", "z"], ["x0"], { axis: attr.int(1) }, "pick"),
        node("Greater", ["x0", "zero"], ["g"], {}, "cmp"),
        node("Cast", ["g"], ["c"], { to: attr.int(I64) }, "cast"),
        node("Gather", ["t", "c"], ["f"], {}, "feature"),
        node("GatherElements", ["x", "f"], ["y"], { axis: attr.int(1) }, "value"),
      ],
      initializers: [
        tensorProto("z", [1], [0], "raw", I64),
        tensorProto("zero", [], [0]),
        tensorProto("t", [2], [3, 1], "raw", I64),
      ],
      inputs: [valueInfo("x", F, [1, 4])],
      outputs: [valueInfo("y", F, [1, 1])],
    });
    const s = Array.from({ length: 6 }, () => [uniform(r, 4)]);
    const { maxError, plan } = await checkAgainstFloat(m, s);
    expect(maxError).toBeLessThanOrEqual(2 ** -8);
    // feature ∈ [1, 3]: OneHot(3, 0) (1 constraint) and 2 products; the first one-hot is free
    const costs = plan.nodes.map((n) =>
      n.prims.reduce((a, p) => a + primConstraints(p, plan.tensors[p.out]?.lo.length ?? 0), 0),
    );
    expect(costs.slice(2)).toEqual([0, 0, 1 + 2]);
    await checkCircuit(m, s.slice(0, 2));
  });
});

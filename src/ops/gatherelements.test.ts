import { describe, expect, it } from "vitest";
import { opModel, samples } from "../../test/support/data-movement.js";
import { checkAgainstFloat, checkCircuit, rng } from "../../test/support/op-check.js";
import { attr } from "../1-decode/onnx-builder.js";

const r = rng(26);

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

  it("compiles a permutation of the input", async () => {
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

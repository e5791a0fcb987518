import { describe, expect, it } from "vitest";
import { samples } from "../../../test/support/data-movement.js";
import { checkAgainstFloat, checkCircuit, rng } from "../../../test/support/op-check.js";
import { typedModel } from "../../../test/support/typed-model.js";
import { attr, DataType } from "../../1-decode/onnx-builder.js";

const r = rng(32);
const F = DataType.FLOAT;

describe("ReduceMean", () => {
  it("over 4 elements (a power of two): exact at scale 7 + 2, free", { tags: ["heavy"] }, async () => {
    const m = typedModel({
      op: "ReduceMean",
      inputs: [["x", [2, 3, 4]]],
      consts: [["axes", [1], [2]]],
      outputs: [F],
      opset: 18,
    });
    const s = samples(r, [[2, 3, 4]], 8);
    const { plan, maxError } = await checkAgainstFloat(m, s);
    expect(plan.tensors.at(-1)?.scale).toBe(9);
    expect(plan.outputs[0]?.shape).toEqual([2, 3, 1]);
    expect(maxError).toBeLessThanOrEqual(2 ** -8);
    expect((await checkCircuit(m, s.slice(0, 2))).constraints).toBe(24 * 9);
  });

  it("over 3 elements: 1/3 quantized at scale 9, its rounding within the bound; attribute axes (opset 13)", async () => {
    const m = typedModel({
      op: "ReduceMean",
      inputs: [["x", [2, 3, 4]]],
      attrs: { axes: attr.ints([1]), keepdims: attr.int(0) },
      outputs: [F],
    });
    const { plan, maxError, errorBound } = await checkAgainstFloat(m, samples(r, [[2, 3, 4]], 8));
    expect(plan.outputs[0]?.shape).toEqual([2, 4]);
    expect(plan.tensors.at(-1)?.scale).toBe(16);
    // 2^-8 from the inputs, (171/512 − 1/3)·Σ|x| <= 0.0059 from 1/3 (bounds up to 383/128)
    expect(errorBound).toBeLessThan(2 ** -8 + 0.006);
    expect(maxError).toBeLessThanOrEqual(errorBound);
  });

  it("default axes reduce everything; noop_with_empty_axes keeps the input", async () => {
    const all = typedModel({ op: "ReduceMean", inputs: [["x", [2, 2]]], outputs: [F], opset: 18 });
    expect((await checkAgainstFloat(all, samples(r, [[2, 2]], 5))).plan.outputs[0]?.shape).toEqual([1, 1]);
    const noop = typedModel({
      op: "ReduceMean",
      inputs: [["x", [2, 2]]],
      attrs: { noop_with_empty_axes: attr.int(1) },
      outputs: [F],
      opset: 18,
    });
    expect((await checkAgainstFloat(noop, samples(r, [[2, 2]], 5))).plan.nodes.at(-1)?.prims).toEqual([]);
  });

  it("rejects a repeated axis", async () => {
    const m = typedModel({
      op: "ReduceMean",
      inputs: [["x", [2, 2]]],
      attrs: { axes: attr.ints([0, -2]) },
      outputs: [F],
    });
    await expect(checkAgainstFloat(m, [])).rejects.toMatchObject({ code: "bad-attribute" });
  });
});

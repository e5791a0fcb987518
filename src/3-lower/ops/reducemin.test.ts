import { describe, expect, it } from "vitest";
import { samples } from "../../../test/support/data-movement.js";
import { checkAgainstFloat, checkCircuit, rng } from "../../../test/support/op-check.js";
import { typedModel } from "../../../test/support/typed-model.js";
import { attr, DataType } from "../../1-decode/onnx-builder.js";

const r = rng(34);
const F = DataType.FLOAT;

describe("ReduceMin", () => {
  it("over the middle axis: −max(−x), 2 Max2 per output, exact", { tags: ["heavy"] }, async () => {
    const m = typedModel({
      op: "ReduceMin",
      inputs: [["x", [2, 3, 2]]],
      consts: [["axes", [1], [1]]],
      attrs: { keepdims: attr.int(0) },
      outputs: [F],
      opset: 18,
    });
    const s = samples(r, [[2, 3, 2]], 8);
    const { plan, maxError } = await checkAgainstFloat(m, s);
    expect(plan.outputs[0]?.shape).toEqual([2, 2]);
    expect(maxError).toBeLessThanOrEqual(2 ** -8);
    expect((await checkCircuit(m, s.slice(0, 2))).constraints).toBe(12 * 9 + 4 * 2 * 11);
  });

  it("attribute axes (opset 11); all axes by default", async () => {
    const m = typedModel({
      op: "ReduceMin",
      inputs: [["x", [3, 2, 2]]],
      attrs: { axes: attr.ints([-1]) },
      outputs: [F],
      opset: 11,
    });
    expect((await checkAgainstFloat(m, samples(r, [[3, 2, 2]], 5))).plan.outputs[0]?.shape).toEqual([
      3, 2, 1,
    ]);
    const all = typedModel({
      op: "ReduceMin",
      inputs: [["x", [3, 2]]],
      attrs: { keepdims: attr.int(0) },
      outputs: [F],
    });
    expect((await checkAgainstFloat(all, samples(r, [[3, 2]], 5))).plan.outputs[0]?.shape).toEqual([]);
  });

  it("rejects noop_with_empty_axes outside {0, 1}", async () => {
    const m = typedModel({
      op: "ReduceMin",
      inputs: [["x", [3, 2]]],
      attrs: { noop_with_empty_axes: attr.int(3) },
      outputs: [F],
      opset: 18,
    });
    await expect(checkAgainstFloat(m, [])).rejects.toMatchObject({ code: "bad-attribute" });
  });
});

import { describe, expect, it } from "vitest";
import { samples } from "../../../test/support/data-movement.js";
import { checkAgainstFloat, checkCircuit, rng } from "../../../test/support/op-check.js";
import { typedModel } from "../../../test/support/typed-model.js";
import { attr, DataType } from "../../1-decode/onnx-builder.js";

const r = rng(33);
const F = DataType.FLOAT;

describe("ReduceMax", () => {
  it("over the last axis: 3 Max2 of 10-bit differences per output, exact", { tags: ["heavy"] }, async () => {
    const m = typedModel({
      op: "ReduceMax",
      inputs: [["x", [2, 3, 4]]],
      consts: [["axes", [1], [-1]]],
      outputs: [F],
      opset: 18,
    });
    const s = samples(r, [[2, 3, 4]], 8);
    const { plan, maxError } = await checkAgainstFloat(m, s);
    expect(plan.outputs[0]?.shape).toEqual([2, 3, 1]);
    expect(maxError).toBeLessThanOrEqual(2 ** -8);
    // inputs in [-128, 383]: differences in [-511, 511] need 10 bits, + 1 per Max2
    expect((await checkCircuit(m, s.slice(0, 2))).constraints).toBe(24 * 9 + 6 * 3 * 11);
  });

  it("attribute axes (opset 13) over two axes, keepdims 0; all axes by default", async () => {
    const m = typedModel({
      op: "ReduceMax",
      inputs: [["x", [3, 2, 2]]],
      attrs: { axes: attr.ints([0, 2]), keepdims: attr.int(0) },
      outputs: [F],
    });
    const { plan } = await checkAgainstFloat(m, samples(r, [[3, 2, 2]], 5));
    expect(plan.outputs[0]?.shape).toEqual([2]);
    const all = typedModel({ op: "ReduceMax", inputs: [["x", [3, 2]]], outputs: [F] });
    expect((await checkAgainstFloat(all, samples(r, [[3, 2]], 5))).plan.outputs[0]?.shape).toEqual([1, 1]);
  });

  it("rejects an axis out of range", async () => {
    const m = typedModel({
      op: "ReduceMax",
      inputs: [["x", [3, 2]]],
      attrs: { axes: attr.ints([-3]) },
      outputs: [F],
    });
    await expect(checkAgainstFloat(m, [])).rejects.toMatchObject({ code: "bad-attribute" });
  });
});

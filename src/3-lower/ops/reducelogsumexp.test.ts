import { describe, expect, it } from "vitest";
import { samples } from "../../../test/support/data-movement.js";
import { checkAgainstFloat, checkCircuit, rng } from "../../../test/support/op-check.js";
import { typedModel } from "../../../test/support/typed-model.js";
import { attr, DataType } from "../../1-decode/onnx-builder.js";

const r = rng(38);
const F = DataType.FLOAT;

describe("ReduceLogSumExp", () => {
  it("over the last axis (axes input, opset 18): within its proven bound of onnxruntime; circuit as estimated", {
    tags: ["heavy"],
  }, async () => {
    const m = typedModel({
      op: "ReduceLogSumExp",
      inputs: [["x", [2, 4]]],
      consts: [["axes", [1], [-1]]],
      outputs: [F],
      opset: 18,
    });
    const s = samples(r, [[2, 4]], 12);
    const { plan, maxError, errorBound } = await checkAgainstFloat(m, s);
    expect(plan.outputs[0]?.shape).toEqual([2, 1]);
    expect(plan.tensors.at(-1)?.scale).toBe(7);
    expect(errorBound).toBeLessThan(2 ** -5);
    expect(maxError).toBeLessThanOrEqual(errorBound);
    await checkCircuit(m, s.slice(0, 2));
  });

  it("attribute axes (opset 13) over two axes, keepdims 0; all axes; noop gives x", async () => {
    const m = typedModel({
      op: "ReduceLogSumExp",
      inputs: [["x", [3, 2, 2]]],
      attrs: { axes: attr.ints([0, 2]), keepdims: attr.int(0) },
      outputs: [F],
    });
    expect((await checkAgainstFloat(m, samples(r, [[3, 2, 2]], 5))).plan.outputs[0]?.shape).toEqual([2]);
    const all = typedModel({ op: "ReduceLogSumExp", inputs: [["x", [3, 2]]], outputs: [F] });
    expect((await checkAgainstFloat(all, samples(r, [[3, 2]], 5))).plan.outputs[0]?.shape).toEqual([1, 1]);
    const noop = typedModel({
      op: "ReduceLogSumExp",
      inputs: [["x", [3]]],
      attrs: { noop_with_empty_axes: attr.int(1) },
      outputs: [F],
      opset: 18,
    });
    expect((await checkAgainstFloat(noop, samples(r, [[3]], 3))).plan.nodes.at(-1)?.prims).toEqual([]);
  });

  it("rejects a repeated axis", async () => {
    const m = typedModel({
      op: "ReduceLogSumExp",
      inputs: [["x", [3, 2]]],
      attrs: { axes: attr.ints([1, 1]) },
      outputs: [F],
    });
    await expect(checkAgainstFloat(m, [])).rejects.toMatchObject({ code: "bad-attribute" });
  });
});

import { describe, expect, it } from "vitest";
import { samples } from "../../../test/support/data-movement.js";
import { checkAgainstFloat, checkCircuit, rng } from "../../../test/support/op-check.js";
import { typedModel } from "../../../test/support/typed-model.js";
import { attr, DataType } from "../../1-decode/onnx-builder.js";

const r = rng(36);
const F = DataType.FLOAT;

describe("ReduceSumSquare", () => {
  it("one product per element, the sum free, at scale 14", { tags: ["heavy"] }, async () => {
    const m = typedModel({
      op: "ReduceSumSquare",
      inputs: [["x", [2, 3, 2]]],
      consts: [["axes", [2], [0, 2]]],
      attrs: { keepdims: attr.int(0) },
      outputs: [F],
      opset: 18,
    });
    const s = samples(r, [[2, 3, 2]], 8);
    const { plan } = await checkAgainstFloat(m, s);
    expect(plan.outputs[0]?.shape).toEqual([3]);
    expect(plan.tensors.at(-1)?.scale).toBe(14);
    expect((await checkCircuit(m, s.slice(0, 2))).constraints).toBe(12 * 9 + 12);
  });

  it("attribute axes (opset 13); noop_with_empty_axes squares elementwise (as onnxruntime)", async () => {
    const m = typedModel({
      op: "ReduceSumSquare",
      inputs: [["x", [3, 2]]],
      attrs: { axes: attr.ints([-1]) },
      outputs: [F],
    });
    expect((await checkAgainstFloat(m, samples(r, [[3, 2]], 5))).plan.outputs[0]?.shape).toEqual([3, 1]);
    const noop = typedModel({
      op: "ReduceSumSquare",
      inputs: [["x", [3, 2]]],
      consts: [["axes", [0], []]],
      attrs: { noop_with_empty_axes: attr.int(1) },
      outputs: [F],
      opset: 18,
    });
    const { plan } = await checkAgainstFloat(noop, samples(r, [[3, 2]], 5));
    expect(plan.outputs[0]?.shape).toEqual([3, 2]);
    expect(plan.nodes.at(-1)?.prims.map((p) => p.kind)).toEqual(["mul"]);
  });

  it("rejects axes given both as an attribute and an input", async () => {
    const m = typedModel({
      op: "ReduceSumSquare",
      inputs: [["x", [3, 2]]],
      consts: [["axes", [1], [0]]],
      attrs: { axes: attr.ints([0]) },
      outputs: [F],
      opset: 18,
    });
    // onnxruntime would refuse the model too; the plan rejects it first
    await expect(checkAgainstFloat(m, [])).rejects.toMatchObject({ code: "bad-onnx" });
  });
});

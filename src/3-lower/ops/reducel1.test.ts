import { describe, expect, it } from "vitest";
import { samples } from "../../../test/support/data-movement.js";
import { checkAgainstFloat, checkCircuit, rng, uniform } from "../../../test/support/op-check.js";
import { typedModel } from "../../../test/support/typed-model.js";
import { attr, buildModel, DataType, node, tensorProto, valueInfo } from "../../1-decode/onnx-builder.js";

const r = rng(35);
const F = DataType.FLOAT;

describe("ReduceL1", () => {
  it("elements of unknown sign: [x >= 0] (10 bits) + one product each, the sum free", {
    tags: ["heavy"],
  }, async () => {
    const m = typedModel({
      op: "ReduceL1",
      inputs: [["x", [2, 3]]],
      consts: [["axes", [1], [1]]],
      outputs: [F],
      opset: 18,
    });
    const s = samples(r, [[2, 3]], 8);
    const { plan, maxError } = await checkAgainstFloat(m, s);
    expect(plan.outputs[0]?.shape).toEqual([2, 1]);
    expect(maxError).toBeLessThanOrEqual(3 * 2 ** -8);
    expect((await checkCircuit(m, s.slice(0, 2))).constraints).toBe(6 * 9 + 6 * (10 + 1));
  });

  it("after a Relu the signs are known: the sum is free", async () => {
    const m = buildModel({
      nodes: [
        node("Relu", ["x"], ["h"], {}, "relu"),
        node("ReduceL1", ["h"], ["y"], { axes: attr.ints([0]), keepdims: attr.int(0) }, "l1"),
      ],
      inputs: [valueInfo("x", F, [3, 2])],
      outputs: [valueInfo("y", F)],
    });
    const { plan } = await checkAgainstFloat(m, samples(r, [[3, 2]], 5));
    expect(plan.nodes.at(-1)?.prims.map((p) => p.kind)).toEqual(["affine"]);
    expect(plan.outputs[0]?.shape).toEqual([2]);
  });

  it("all axes by default; noop_with_empty_axes gives |x| elementwise (as onnxruntime)", async () => {
    const all = typedModel({ op: "ReduceL1", inputs: [["x", [2, 2]]], outputs: [F], opset: 18 });
    expect((await checkAgainstFloat(all, samples(r, [[2, 2]], 5))).plan.outputs[0]?.shape).toEqual([1, 1]);
    const noop = buildModel({
      nodes: [node("ReduceL1", ["x", "axes"], ["y"], { noop_with_empty_axes: attr.int(1) }, "l1")],
      initializers: [tensorProto("axes", [0], [], "raw", DataType.INT64)],
      inputs: [valueInfo("x", F, [4])],
      outputs: [valueInfo("y", F)],
      opset: 18,
    });
    const s = [[Float64Array.of(-0.5, 0.25, -1, 0)], [uniform(r, 4)]];
    expect((await checkAgainstFloat(noop, s)).plan.outputs[0]?.shape).toEqual([4]);
  });

  it("rejects bad keepdims", async () => {
    const m = typedModel({
      op: "ReduceL1",
      inputs: [["x", [2]]],
      attrs: { keepdims: attr.int(-1) },
      outputs: [F],
    });
    await expect(checkAgainstFloat(m, [])).rejects.toMatchObject({ code: "bad-attribute" });
  });
});

import { describe, expect, it } from "vitest";
import { opModel, samples } from "../../../test/support/data-movement.js";
import { checkAgainstFloat, checkCircuit, rng, uniform } from "../../../test/support/op-check.js";
import { attr, buildModel, DataType, node, tensorProto, valueInfo } from "../../1-decode/onnx-builder.js";

const r = rng(22);

describe("Concat", () => {
  it.each([
    [0, [1, 3, 4], [2, 3, 4], [3, 3, 4]],
    [1, [2, 1, 4], [2, 3, 4], [2, 4, 4]],
    [2, [2, 3, 2], [2, 3, 4], [2, 3, 6]],
    [-1, [2, 3, 1], [2, 3, 4], [2, 3, 5]],
    [-3, [2, 3, 4], [1, 3, 4], [3, 3, 4]],
  ])("axis %i: %j ++ %j = %j", async (axis, a, b, out) => {
    const m = opModel({
      op: "Concat",
      inputs: [
        ["a", a],
        ["b", b],
      ],
      attrs: { axis: attr.int(axis) },
    });
    const { plan, maxError } = await checkAgainstFloat(m, samples(r, [a, b]));
    expect(plan.outputs[0]?.shape).toEqual(out);
    expect(maxError).toBeLessThanOrEqual(2 ** -8);
  });

  it("mixes signals and constants (constants become biases at the signal scale)", {
    tags: ["heavy"],
  }, async () => {
    const m = opModel({
      op: "Concat",
      inputs: [
        ["a", [2, 2]],
        ["b", [2, 1]],
      ],
      consts: [["c", [2, 3], uniform(r, 6, -3, 3), DataType.FLOAT]],
      nodeInputs: ["a", "c", "b", "a"],
      attrs: { axis: attr.int(1) },
    });
    const s = samples(r, [
      [2, 2],
      [2, 1],
    ]);
    const { plan } = await checkAgainstFloat(m, s);
    expect(plan.outputs[0]?.shape).toEqual([2, 8]);
    expect(plan.tensors[plan.outputs[0]?.tensor ?? -1]?.scale).toBe(7);
    expect(plan.nodes[0]?.prims.map((p) => p.kind)).toEqual(["affine"]);
    await checkCircuit(
      opModel({
        op: "Concat",
        inputs: [
          ["a", [2, 2]],
          ["b", [2, 1]],
        ],
        consts: [["c", [2, 3], uniform(r, 6, -3, 3), DataType.FLOAT]],
        nodeInputs: ["a", "c", "b", "a"],
        attrs: { axis: attr.int(1) },
        after: "Relu",
      }),
      s.slice(0, 2),
    );
  });

  it("aligns signals at different scales to the finest one, exactly and for free", async () => {
    const m = buildModel({
      nodes: [
        node("MatMul", ["x", "W"], ["h"], {}, "mm"),
        node("Concat", ["x", "h"], ["y"], { axis: attr.int(0) }, "cat"),
      ],
      initializers: [tensorProto("W", [3, 3], uniform(r, 9, -0.5, 0.5))],
      inputs: [valueInfo("x", DataType.FLOAT, [1, 3])],
      outputs: [valueInfo("y", DataType.FLOAT, [2, 3])],
    });
    const s = samples(r, [[1, 3]], 5);
    const { plan } = await checkAgainstFloat(m, s);
    const out = plan.tensors[plan.outputs[0]?.tensor ?? -1];
    expect(out?.scale).toBe(14);
    // x's rows are x·2^7 at scale 14: no rounding added to its error.
    expect(out?.err[0]).toBe(2 ** -8);
  });

  it("rejects mismatched shapes and an axis beyond the rank", async () => {
    const bad = opModel({
      op: "Concat",
      inputs: [
        ["a", [2, 3]],
        ["b", [3, 3]],
      ],
      attrs: { axis: attr.int(1) },
    });
    await expect(checkAgainstFloat(bad, [])).rejects.toMatchObject({
      code: "bad-shape",
      node: { opType: "Concat" },
    });
    const axis = opModel({
      op: "Concat",
      inputs: [
        ["a", [2, 3]],
        ["b", [2, 3]],
      ],
      attrs: { axis: attr.int(2) },
    });
    await expect(checkAgainstFloat(axis, [])).rejects.toMatchObject({ code: "bad-attribute" });
  });
});

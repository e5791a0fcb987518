import { describe, expect, it } from "vitest";
import { samples } from "../../../test/support/data-movement.js";
import { checkAgainstFloat, checkCircuit, rng } from "../../../test/support/op-check.js";
import { typedModel } from "../../../test/support/typed-model.js";
import { attr, DataType } from "../../1-decode/onnx-builder.js";

const r = rng(31);
const F = DataType.FLOAT;

describe("ReduceSum", () => {
  it("axes as an input (opset 13), keepdims: free, exact sums of the quantized inputs", {
    tags: ["heavy"],
  }, async () => {
    const m = typedModel({
      op: "ReduceSum",
      inputs: [["x", [2, 3, 4]]],
      consts: [["axes", [2], [1, -1]]],
      outputs: [F],
    });
    const s = samples(r, [[2, 3, 4]], 8);
    const { plan, maxError } = await checkAgainstFloat(m, s);
    expect(plan.outputs[0]?.shape).toEqual([2, 1, 1]);
    // 12 inputs each off by at most 2^-8
    expect(maxError).toBeLessThanOrEqual(12 * 2 ** -8);
    expect(plan.tensors.at(-1)?.scale).toBe(7);
    // only the 9-bit input range checks
    expect((await checkCircuit(m, s.slice(0, 2))).constraints).toBe(24 * 9);
  });

  it("axes as an attribute (opset 11), keepdims 0, negative axis", async () => {
    const m = typedModel({
      op: "ReduceSum",
      inputs: [["x", [3, 2, 2]]],
      attrs: { axes: attr.ints([-2]), keepdims: attr.int(0) },
      outputs: [F],
      opset: 11,
    });
    const { plan } = await checkAgainstFloat(m, samples(r, [[3, 2, 2]], 5));
    expect(plan.outputs[0]?.shape).toEqual([3, 2]);
  });

  it("no axes: every axis; empty axes with noop_with_empty_axes: the input itself", async () => {
    const all = typedModel({ op: "ReduceSum", inputs: [["x", [3, 2]]], outputs: [F] });
    const a = await checkAgainstFloat(all, samples(r, [[3, 2]], 5));
    expect(a.plan.outputs[0]?.shape).toEqual([1, 1]);
    const emptyAll = typedModel({
      op: "ReduceSum",
      inputs: [["x", [3, 2]]],
      consts: [["axes", [0], []]],
      attrs: { keepdims: attr.int(0) },
      outputs: [F],
    });
    const e = await checkAgainstFloat(emptyAll, samples(r, [[3, 2]], 5));
    expect(e.plan.outputs[0]?.shape).toEqual([]);
    const noop = typedModel({
      op: "ReduceSum",
      inputs: [["x", [3, 2]]],
      consts: [["axes", [0], []]],
      attrs: { noop_with_empty_axes: attr.int(1) },
      outputs: [F],
    });
    const n = await checkAgainstFloat(noop, samples(r, [[3, 2]], 5));
    expect(n.plan.nodes.at(-1)?.prims).toEqual([]);
    expect(n.plan.outputs[0]?.shape).toEqual([3, 2]);
  });

  it("rejects out-of-range or repeated axes, bad keepdims and axes that are not constants", async () => {
    const bad = async (attrs: Parameters<typeof typedModel>[0]["attrs"], axes: number[]) =>
      checkAgainstFloat(
        typedModel({
          op: "ReduceSum",
          inputs: [["x", [2, 3]]],
          consts: [["axes", [axes.length], axes]],
          attrs,
          outputs: [F],
        }),
        [],
      );
    await expect(bad({}, [2])).rejects.toMatchObject({ code: "bad-attribute" });
    await expect(bad({}, [1, -1])).rejects.toMatchObject({ code: "bad-attribute" });
    await expect(bad({ keepdims: attr.int(2) }, [0])).rejects.toMatchObject({ code: "bad-attribute" });
    const signalAxes = typedModel({
      op: "ReduceSum",
      inputs: [
        ["x", [2, 3]],
        ["axes", [1], DataType.INT64],
      ],
      outputs: [F],
    });
    await expect(checkAgainstFloat(signalAxes, [])).rejects.toMatchObject({ code: "unsupported-op" });
  });
});

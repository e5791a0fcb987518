import { describe, expect, it } from "vitest";
import { opModel, samples } from "../../../test/support/data-movement.js";
import { checkAgainstFloat, checkCircuit, rng } from "../../../test/support/op-check.js";
import { attr, buildModel, DataType, node, tensorProto, valueInfo } from "../../1-decode/onnx-builder.js";

const r = rng(24);
const BIG = 2 ** 53 - 1; // INT64_MAX-like "to the end" bounds, clamped

function sliceModel(starts: number[], ends: number[], axes?: number[], steps?: number[], after?: string) {
  const consts: [string, number[], number[]][] = [
    ["starts", [starts.length], starts],
    ["ends", [ends.length], ends],
  ];
  if (axes) consts.push(["axes", [axes.length], axes]);
  if (steps) consts.push(["steps", [steps.length], steps]);
  return opModel({ op: "Slice", inputs: [["x", [3, 4, 5]]], consts, after });
}

describe("Slice", () => {
  it.each([
    ["basic", [0, 1], [2, 3], [0, 1], undefined, [2, 2, 5]],
    ["default axes", [1, 0, 2], [3, 4, 4], undefined, undefined, [2, 4, 2]],
    ["negative starts/ends", [-2], [-1], [2], undefined, [3, 4, 1]],
    ["negative axes", [1], [3], [-2], [1], [3, 2, 5]],
    ["ends out of bounds", [1], [BIG], [1], undefined, [3, 3, 5]],
    ["starts out of bounds (empty)", [10], [20], [2], undefined, [3, 4, 0]],
    ["steps of 2", [0, 1], [BIG, 5], [1, 2], [2, 2], [3, 2, 2]],
    ["negative step", [-1], [-BIG], [2], [-1], [3, 4, 5]],
    ["negative step 2, clamped start", [20, 2], [0, -BIG], [2, 1], [-2, -1], [3, 3, 2]],
  ])("%s", async (_, starts, ends, axes, steps, out) => {
    const m = sliceModel(starts, ends, axes, steps);
    const { plan, maxError } = await checkAgainstFloat(m, samples(r, [[3, 4, 5]]));
    expect(plan.outputs[0]?.shape).toEqual(out);
    expect(maxError).toBeLessThanOrEqual(2 ** -8);
  });

  it("takes starts/ends/axes attributes before opset 10", async () => {
    const m = opModel({
      op: "Slice",
      inputs: [["x", [3, 4, 5]]],
      attrs: { starts: attr.ints([1, -3]), ends: attr.ints([2, 1000]), axes: attr.ints([0, 2]) },
      opset: 9,
    });
    const { plan } = await checkAgainstFloat(m, samples(r, [[3, 4, 5]]));
    expect(plan.outputs[0]?.shape).toEqual([1, 4, 3]);
  });

  it("compiles a reversing slice to a circuit", { tags: ["heavy"] }, async () => {
    const m = sliceModel([-1], [-BIG], [1], [-2]);
    const s = samples(r, [[3, 4, 5]], 2);
    const { plan } = await checkAgainstFloat(m, s);
    expect(plan.outputs[0]?.shape).toEqual([3, 2, 5]);
    await checkCircuit(m, s);
  });

  it("rejects a zero step and starts computed from the input", async () => {
    await expect(checkAgainstFloat(sliceModel([0], [2], [0], [0]), [])).rejects.toMatchObject({
      code: "bad-attribute",
      node: { opType: "Slice" },
    });
    const m = buildModel({
      nodes: [node("Slice", ["x", "s", "e"], ["y"], {}, "sl")],
      initializers: [tensorProto("e", [1], [2], "raw", DataType.INT64)],
      inputs: [valueInfo("x", DataType.FLOAT, [4]), valueInfo("s", DataType.INT64, [1])],
      outputs: [valueInfo("y", DataType.FLOAT, [2])],
    });
    await expect(checkAgainstFloat(m, [])).rejects.toMatchObject({
      code: "unsupported-op",
      message: /compile-time constant/,
    });
  });
});

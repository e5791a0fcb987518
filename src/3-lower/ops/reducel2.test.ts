import { describe, expect, it } from "vitest";
import { samples } from "../../../test/support/data-movement.js";
import { checkAgainstFloat, checkCircuit, rng } from "../../../test/support/op-check.js";
import { typedModel } from "../../../test/support/typed-model.js";
import { attr, DataType } from "../../1-decode/onnx-builder.js";

const r = rng(37);
const F = DataType.FLOAT;

describe("ReduceL2", () => {
  it("squares (1 each), a free sum, a floor sqrt at scale 7 (2·20 + 1): error sqrt(Σe²) + 2^-7", {
    tags: ["heavy"],
  }, async () => {
    const m = typedModel({
      op: "ReduceL2",
      inputs: [["x", [2, 4]]],
      consts: [["axes", [1], [1]]],
      outputs: [F],
      opset: 18,
    });
    const s = samples(r, [[2, 4]], 10);
    const { plan, maxError, errorBound } = await checkAgainstFloat(m, s);
    expect(plan.tensors.at(-1)?.scale).toBe(7);
    expect(errorBound).toBeCloseTo(Math.sqrt(4 * 2 ** -16) + 2 ** -7, 12);
    expect(maxError).toBeLessThanOrEqual(errorBound);
    // Σ of 4 squares of [-128, 383] is at most 586756: 20 bits for the sqrt checks
    expect((await checkCircuit(m, s.slice(0, 2))).constraints).toBe(8 * 9 + 8 + 2 * (2 * 20 + 1));
  });

  it("attribute axes (opset 13), keepdims 0; noop_with_empty_axes gives |x| (as onnxruntime)", async () => {
    const m = typedModel({
      op: "ReduceL2",
      inputs: [["x", [3, 2, 2]]],
      attrs: { axes: attr.ints([0, 1]), keepdims: attr.int(0) },
      outputs: [F],
    });
    expect((await checkAgainstFloat(m, samples(r, [[3, 2, 2]], 5))).plan.outputs[0]?.shape).toEqual([2]);
    const noop = typedModel({
      op: "ReduceL2",
      inputs: [["x", [3]]],
      attrs: { noop_with_empty_axes: attr.int(1) },
      outputs: [F],
      opset: 18,
    });
    expect((await checkAgainstFloat(noop, samples(r, [[3]], 5))).plan.outputs[0]?.shape).toEqual([3]);
  });

  it("rejects an axis out of range", async () => {
    const m = typedModel({
      op: "ReduceL2",
      inputs: [["x", [3]]],
      consts: [["axes", [1], [1]]],
      outputs: [F],
      opset: 18,
    });
    await expect(checkAgainstFloat(m, [])).rejects.toMatchObject({ code: "bad-attribute" });
  });
});

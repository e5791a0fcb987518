import { describe, expect, it } from "vitest";
import { opModel, samples } from "../../../test/support/data-movement.js";
import { checkAgainstFloat, checkCircuit, rng } from "../../../test/support/op-check.js";
import { attr, DataType } from "../../1-decode/onnx-builder.js";

const r = rng(35);
const X = [1, 2, 2, 3];

describe("Upsample", () => {
  it("scales input (opset 9)", async () => {
    const m = opModel({
      op: "Upsample",
      inputs: [["x", X]],
      consts: [["s", [4], [1, 1, 2, 3], DataType.FLOAT]],
      opset: 9,
    });
    const { plan, maxError } = await checkAgainstFloat(m, samples(r, [X]));
    expect(plan.outputs[0]?.shape).toEqual([1, 2, 4, 9]);
    expect(maxError).toBeLessThanOrEqual(2 ** -8);
  });

  it("scales attribute (opset 7), non-integer scales", async () => {
    const m = opModel({
      op: "Upsample",
      inputs: [["x", X]],
      attrs: { scales: attr.floats([1, 1.5, 1.5, 2.5]) },
      opset: 7,
    });
    const { plan } = await checkAgainstFloat(m, samples(r, [X]));
    expect(plan.outputs[0]?.shape).toEqual([1, 3, 3, 7]);
  });

  it("compiles (followed by a Relu, since outputs repeat)", { tags: ["heavy"] }, async () => {
    const m = opModel({
      op: "Upsample",
      inputs: [["x", [1, 1, 2, 2]]],
      consts: [["s", [4], [1, 1, 2, 2], DataType.FLOAT]],
      opset: 9,
      after: "Relu",
    });
    await checkCircuit(m, samples(r, [[1, 1, 2, 2]], 2));
  });

  it("rejects linear mode by name and scales below 1", async () => {
    const lin = opModel({
      op: "Upsample",
      inputs: [["x", X]],
      attrs: { mode: "linear", scales: attr.floats([1, 1, 2, 2]) },
      opset: 7,
    });
    await expect(checkAgainstFloat(lin, [])).rejects.toMatchObject({
      code: "bad-attribute",
      node: { opType: "Upsample" },
      message: /mode "linear"/,
    });
    const small = opModel({
      op: "Upsample",
      inputs: [["x", X]],
      attrs: { scales: attr.floats([1, 1, 0.5, 1]) },
      opset: 7,
    });
    await expect(checkAgainstFloat(small, [])).rejects.toMatchObject({ code: "bad-attribute" });
  });
});

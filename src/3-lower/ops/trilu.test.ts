import { describe, expect, it } from "vitest";
import { opModel, samples } from "../../../test/support/data-movement.js";
import { checkAgainstFloat, checkCircuit, rng } from "../../../test/support/op-check.js";
import { attr } from "../../1-decode/onnx-builder.js";

const r = rng(41);
const model = (x: number[], upper: number, k?: number, after?: string) =>
  opModel({
    op: "Trilu",
    inputs: [["x", x]],
    consts: k === undefined ? [] : [["k", [], [k]]],
    attrs: { upper: attr.int(upper) },
    opset: 14,
    ...(after ? { after } : {}),
  });

describe("Trilu", () => {
  it.each([
    [[3, 4], 1, undefined],
    [[3, 4], 0, undefined],
    [[2, 3, 3], 1, 1],
    [[2, 3, 3], 0, -1],
    [[4, 3], 1, -7],
    [[4, 3], 0, 5],
  ])("%j upper=%i k=%s matches onnxruntime exactly (zeros are constants)", async (x, upper, k) => {
    const { maxError, plan } = await checkAgainstFloat(model(x, upper, k), samples(r, [x]));
    expect(maxError).toBeLessThanOrEqual(2 ** -8);
    expect(plan.outputs[0]?.shape).toEqual(x);
  });

  it("compiles (followed by a Relu: constant zero outputs keep a constraint)", {
    tags: ["heavy"],
  }, async () => {
    await checkCircuit(model([3, 3], 1, 0, "Relu"), samples(r, [[3, 3]], 2));
  });

  it("rejects a k computed from the input and a rank-1 input", async () => {
    const bad = opModel({ op: "Trilu", inputs: [["x", [4]]], opset: 14 });
    await expect(checkAgainstFloat(bad, [])).rejects.toMatchObject({
      code: "bad-shape",
      node: { opType: "Trilu" },
    });
    const dyn = opModel({
      op: "Trilu",
      inputs: [
        ["x", [2, 2]],
        ["k", [1]],
      ],
      opset: 14,
    });
    await expect(checkAgainstFloat(dyn, [])).rejects.toMatchObject({ node: { opType: "Trilu" } });
  });
});

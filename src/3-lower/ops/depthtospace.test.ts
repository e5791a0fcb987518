import { describe, expect, it } from "vitest";
import { opModel, samples } from "../../../test/support/data-movement.js";
import { checkAgainstFloat, checkCircuit, rng } from "../../../test/support/op-check.js";
import { attr } from "../../1-decode/onnx-builder.js";

const r = rng(32);
const model = (x: number[], b: number, mode?: string) =>
  opModel({
    op: "DepthToSpace",
    inputs: [["x", x]],
    attrs: { blocksize: attr.int(b), ...(mode ? { mode } : {}) },
  });

describe("DepthToSpace", () => {
  it.each([
    [undefined, [1, 8, 2, 3], 2, [1, 2, 4, 6]],
    ["DCR", [2, 9, 2, 1], 3, [2, 1, 6, 3]],
    ["CRD", [1, 8, 2, 3], 2, [1, 2, 4, 6]],
    ["CRD", [1, 18, 1, 2], 3, [1, 2, 3, 6]],
  ])("mode %s, %j with blocksize %i", async (mode, x, b, out) => {
    const { plan, maxError } = await checkAgainstFloat(model(x, b, mode), samples(r, [x]));
    expect(plan.outputs[0]?.shape).toEqual(out);
    expect(maxError).toBeLessThanOrEqual(2 ** -8);
  });

  it("compiles a permutation of the input", { tags: ["heavy"] }, async () => {
    const m = model([1, 4, 2, 2], 2, "CRD");
    const s = samples(r, [[1, 4, 2, 2]], 2);
    const { plan } = await checkAgainstFloat(m, s);
    const { constraints } = await checkCircuit(m, s);
    expect(constraints).toBe((plan.inputs[0]?.bits ?? 0) * 16);
  });

  it("rejects channels that are not a multiple of blocksize², and an unknown mode", async () => {
    await expect(checkAgainstFloat(model([1, 6, 2, 2], 2), [])).rejects.toMatchObject({
      code: "bad-shape",
      node: { opType: "DepthToSpace" },
    });
    await expect(checkAgainstFloat(model([1, 4, 2, 2], 2, "RCD"), [])).rejects.toMatchObject({
      code: "bad-attribute",
    });
  });
});

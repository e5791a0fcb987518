import { describe, expect, it } from "vitest";
import { opModel, samples } from "../../../test/support/data-movement.js";
import { checkAgainstFloat, checkCircuit, rng } from "../../../test/support/op-check.js";
import { attr } from "../../1-decode/onnx-builder.js";

const r = rng(21);

describe("Transpose", () => {
  it.each([
    [undefined, [4, 3, 2]],
    [
      [0, 2, 1],
      [2, 4, 3],
    ],
    [
      [1, 0, 2],
      [3, 2, 4],
    ],
    [
      [2, 0, 1],
      [4, 2, 3],
    ],
    [
      [1, 2, 0],
      [3, 4, 2],
    ],
  ])("perm %j gives shape %j and matches onnxruntime", async (perm, out) => {
    const m = opModel({
      op: "Transpose",
      inputs: [["x", [2, 3, 4]]],
      attrs: perm ? { perm: attr.ints(perm) } : {},
    });
    const { plan, maxError } = await checkAgainstFloat(m, samples(r, [[2, 3, 4]]));
    expect(plan.outputs[0]?.shape).toEqual(out);
    expect(maxError).toBeLessThanOrEqual(2 ** -8);
  });

  it("is an alias when only unit axes move; a circuit costs only the input range checks", {
    tags: ["heavy"],
  }, async () => {
    const alias = opModel({
      op: "Transpose",
      inputs: [["x", [1, 3, 1, 4]]],
      attrs: { perm: attr.ints([2, 1, 0, 3]) },
    });
    const { plan } = await checkAgainstFloat(alias, samples(r, [[1, 3, 1, 4]]));
    expect(plan.nodes[0]?.prims).toEqual([]);
    const m = opModel({ op: "Transpose", inputs: [["x", [2, 3]]] });
    const s = samples(r, [[2, 3]], 2);
    const { plan: p } = await checkAgainstFloat(m, s);
    // Only the private input's range checks cost: the transpose is wiring.
    expect((await checkCircuit(m, s)).constraints).toBe((p.inputs[0]?.bits ?? 0) * 6);
  });

  it("rejects a perm that is not a permutation", async () => {
    for (const perm of [
      [0, 0, 1],
      [0, 1],
      [0, 1, 3],
    ]) {
      const m = opModel({ op: "Transpose", inputs: [["x", [2, 3, 4]]], attrs: { perm: attr.ints(perm) } });
      await expect(checkAgainstFloat(m, [])).rejects.toMatchObject({
        code: "bad-attribute",
        node: { opType: "Transpose" },
      });
    }
  });
});

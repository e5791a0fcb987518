import { describe, expect, it } from "vitest";
import { checkAgainstFloat, rng, singleOp, uniform } from "../../../test/support/op-check.js";
import { attr } from "../../1-decode/onnx-builder.js";

const r = rng(6);

describe("Flatten", () => {
  it.each([
    [1, [2, 12]],
    [0, [1, 24]],
    [3, [24, 1]],
    [-1, [6, 4]],
  ])("axis %i gives %j at no cost", async (axis, out) => {
    const m = singleOp({
      op: "Flatten",
      inputs: [["x", [2, 3, 4]]],
      attrs: { axis: attr.int(axis) },
      output: out,
    });
    const { plan } = await checkAgainstFloat(m, [[uniform(r, 24)]]);
    expect(plan.outputs[0]?.shape).toEqual(out);
    expect(plan.nodes[0]?.prims).toEqual([]);
  });

  it("rejects an axis beyond the rank", async () => {
    const m = singleOp({
      op: "Flatten",
      inputs: [["x", [2, 3]]],
      attrs: { axis: attr.int(3) },
      output: [6, 1],
    });
    await expect(checkAgainstFloat(m, [])).rejects.toMatchObject({ code: "bad-attribute" });
  });
});

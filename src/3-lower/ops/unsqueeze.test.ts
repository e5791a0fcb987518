import { describe, expect, it } from "vitest";
import { opModel, samples } from "../../../test/support/data-movement.js";
import { checkAgainstFloat, checkCircuit, rng } from "../../../test/support/op-check.js";
import { attr } from "../../1-decode/onnx-builder.js";

const r = rng(28);
const X = [3, 2];
const axesIn = (a: number[]) => ({ consts: [["a", [a.length], a]] as [string, number[], number[]][] });

describe("Unsqueeze", () => {
  it.each([
    ["axis 0", axesIn([0]), [1, 3, 2]],
    ["axis 2 (the end)", axesIn([2]), [3, 2, 1]],
    ["two axes", axesIn([1, 3]), [3, 1, 2, 1]],
    ["three axes, unsorted", axesIn([4, 0, 2]), [1, 3, 1, 2, 1]],
    ["negative axes", axesIn([-1, -4]), [1, 3, 2, 1]],
    ["axes attribute (opset 11)", { attrs: { axes: attr.ints([1]) }, opset: 11 }, [3, 1, 2]],
  ])("%s", async (_, o, out) => {
    const m = opModel({ op: "Unsqueeze", inputs: [["x", X]], ...o });
    const { plan } = await checkAgainstFloat(m, samples(r, [X]));
    expect(plan.outputs[0]?.shape).toEqual(out);
    expect(plan.nodes[0]?.prims).toEqual([]);
  });

  it("compiles to a circuit", { tags: ["heavy"] }, async () => {
    await checkCircuit(opModel({ op: "Unsqueeze", inputs: [["x", X]], ...axesIn([0]) }), samples(r, [X], 2));
  });

  it("rejects repeated and out-of-range axes, and missing axes", async () => {
    for (const a of [[1, 1], [3], [-4]]) {
      const m = opModel({ op: "Unsqueeze", inputs: [["x", X]], ...axesIn(a) });
      await expect(checkAgainstFloat(m, [])).rejects.toMatchObject({
        code: "bad-attribute",
        node: { opType: "Unsqueeze" },
      });
    }
    await expect(
      checkAgainstFloat(opModel({ op: "Unsqueeze", inputs: [["x", X]] }), []),
    ).rejects.toMatchObject({
      code: "bad-onnx",
    });
  });
});

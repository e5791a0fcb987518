import { describe, expect, it } from "vitest";
import { type ConstInput, opModel, samples } from "../../../test/support/data-movement.js";
import { checkAgainstFloat, checkCircuit, rng } from "../../../test/support/op-check.js";
import { type AttrValue, attr } from "../../1-decode/onnx-builder.js";

const r = rng(23);

function splitModel(
  shape: number[],
  outputs: number,
  o: { consts?: ConstInput[]; attrs?: Record<string, AttrValue>; opset?: number },
) {
  return opModel({ op: "Split", inputs: [["x", shape]], outputs, ...o });
}

const shapes = (plan: { outputs: { shape: number[] }[] }) => plan.outputs.map((o) => o.shape);

describe("Split", () => {
  it("by a split input (opset 13), on a negative axis", async () => {
    const m = splitModel([2, 6], 3, { consts: [["s", [3], [2, 1, 3]]], attrs: { axis: attr.int(-1) } });
    const { plan } = await checkAgainstFloat(m, samples(r, [[2, 6]]));
    expect(shapes(plan)).toEqual([
      [2, 2],
      [2, 1],
      [2, 3],
    ]);
  });

  it("by a split attribute (opset 11)", async () => {
    const m = splitModel([5, 2], 2, { attrs: { split: attr.ints([3, 2]) }, opset: 11 });
    const { plan } = await checkAgainstFloat(m, samples(r, [[5, 2]]));
    expect(shapes(plan)).toEqual([
      [3, 2],
      [2, 2],
    ]);
  });

  it("into equal parts on the default axis 0", async () => {
    const m = splitModel([6, 2], 3, {});
    const { plan } = await checkAgainstFloat(m, samples(r, [[6, 2]]));
    expect(shapes(plan)).toEqual([
      [2, 2],
      [2, 2],
      [2, 2],
    ]);
  });

  it("by num_outputs (opset 18), the last chunk smaller", { tags: ["heavy"] }, async () => {
    const m = splitModel([2, 7], 3, { attrs: { axis: attr.int(1), num_outputs: attr.int(3) }, opset: 18 });
    const s = samples(r, [[2, 7]]);
    const { plan } = await checkAgainstFloat(m, s);
    expect(shapes(plan)).toEqual([
      [2, 3],
      [2, 3],
      [2, 1],
    ]);
    const { constraints } = await checkCircuit(m, s.slice(0, 2));
    expect(constraints).toBe((plan.inputs[0]?.bits ?? 0) * 14);
  });

  it("rejects sizes that do not add up and uneven equal parts", async () => {
    const sum = splitModel([2, 6], 2, { consts: [["s", [2], [2, 3]]], attrs: { axis: attr.int(1) } });
    await expect(checkAgainstFloat(sum, [])).rejects.toMatchObject({
      code: "bad-attribute",
      node: { opType: "Split" },
    });
    const uneven = splitModel([5], 2, {});
    await expect(checkAgainstFloat(uneven, [])).rejects.toMatchObject({ code: "bad-shape" });
  });
});

import { describe, expect, it } from "vitest";
import { type ConstInput, opModel, samples } from "../../../test/support/data-movement.js";
import { checkAgainstFloat, checkCircuit, rng } from "../../../test/support/op-check.js";
import { type AttrValue, attr, DataType } from "../../1-decode/onnx-builder.js";

const r = rng(31);
const X = [2, 3, 4];

function padModel(
  pads: number[],
  o: { mode?: string; value?: number; axes?: number[]; opset?: number; after?: string } = {},
) {
  const consts: ConstInput[] = [["p", [pads.length], pads]];
  const names = ["x", "p"];
  if (o.value !== undefined || o.axes) {
    if (o.value !== undefined) consts.push(["v", [], [o.value], DataType.FLOAT]);
    names.push(o.value !== undefined ? "v" : "");
  }
  if (o.axes) {
    consts.push(["a", [o.axes.length], o.axes]);
    names.push("a");
  }
  const attrs: Record<string, AttrValue> = o.mode ? { mode: o.mode } : {};
  return opModel({
    op: "Pad",
    inputs: [["x", X]],
    consts,
    nodeInputs: names,
    attrs,
    opset: o.opset ?? 13,
    after: o.after,
  });
}

describe("Pad", () => {
  it.each([
    ["constant 0", [0, 1, 2, 1, 0, 1], {}, [3, 4, 7]],
    ["constant value", [0, 0, 1, 0, 2, 1], { value: 1.5 }, [2, 5, 6]],
    ["reflect", [0, 2, 3, 0, 1, 3], { mode: "reflect" }, [2, 6, 10]],
    ["edge", [1, 2, 0, 0, 1, 5], { mode: "edge" }, [3, 6, 9]],
    ["negative pads crop", [0, -1, 1, 0, 1, -1], { mode: "reflect" }, [2, 3, 4]],
    ["reflect with pads as long as onnxruntime allows", [0, 2, 3, 0, 2, 3], { mode: "reflect" }, [2, 7, 10]],
    [
      "axes input (opset 18)",
      [1, 2, 3, 0],
      { axes: [-1, 1], value: -0.75, opset: 18 },
      [2, 3 + 2, 4 + 1 + 3],
    ],
    ["wrap (opset 19)", [0, 2, 3, 0, 1, 4], { mode: "wrap", opset: 19 }, [2, 6, 11]],
  ])("%s", async (_, pads, o, out) => {
    const { plan, maxError } = await checkAgainstFloat(padModel(pads, o), samples(r, [X]));
    expect(plan.outputs[0]?.shape).toEqual(out);
    expect(maxError).toBeLessThanOrEqual(2 ** -8);
  });

  it("takes the pads and value attributes before opset 11", async () => {
    const m = opModel({
      op: "Pad",
      inputs: [["x", X]],
      attrs: { pads: attr.ints([0, 0, 1, 0, 0, 2]), value: attr.float(0.3) },
      opset: 10,
    });
    const { plan } = await checkAgainstFloat(m, samples(r, [X]));
    expect(plan.outputs[0]?.shape).toEqual([2, 3, 7]);
  });

  it("compiles constant and reflect padding (followed by a Relu)", { tags: ["heavy"] }, async () => {
    const s = samples(r, [X], 2);
    await checkCircuit(padModel([0, 1, 1, 0, 0, 1], { value: 0.5, after: "Relu" }), s);
    await checkCircuit(padModel([0, 0, 2, 0, 0, 2], { mode: "reflect", after: "Relu" }), s);
  });

  it("rejects an unknown mode, pads of the wrong length, and over-cropping", async () => {
    await expect(
      checkAgainstFloat(padModel([0, 0, 1, 0, 0, 1], { mode: "symmetric" }), []),
    ).rejects.toMatchObject({
      code: "bad-attribute",
      node: { opType: "Pad" },
      message: /symmetric/,
    });
    await expect(checkAgainstFloat(padModel([1, 1]), [])).rejects.toMatchObject({ code: "bad-attribute" });
    await expect(checkAgainstFloat(padModel([0, 0, -3, 0, 0, -2]), [])).rejects.toMatchObject({
      code: "bad-attribute",
    });
  });
});

import { describe, expect, it } from "vitest";
import { samples } from "../../../test/support/data-movement.js";
import { checkAgainstFloat, rng } from "../../../test/support/op-check.js";
import { type AttrValue, attr, buildModel, DataType, node, valueInfo } from "../../1-decode/onnx-builder.js";

const r = rng(36);
const X = [2, 3, 4, 5];

/** y = x + sum(Cast(Shape(x))): the shape is a compile-time constant, folded into a bias. */
function model(attrs: Record<string, AttrValue>) {
  return buildModel({
    nodes: [
      node("Shape", ["x"], ["s"], attrs, "shape"),
      node("Cast", ["s"], ["f"], { to: attr.int(DataType.FLOAT) }, "cast"),
      node("ReduceSum", ["f"], ["t"], { keepdims: attr.int(0) }, "sum"),
      node("Add", ["x", "t"], ["y"], {}, "add"),
    ],
    inputs: [valueInfo("x", DataType.FLOAT, X)],
    outputs: [valueInfo("y", DataType.FLOAT, X)],
    opset: 15,
  });
}

describe("Shape", () => {
  it.each([
    ["all dims", {}, 14],
    ["start 1", { start: attr.int(1) }, 12],
    ["end -1", { end: attr.int(-1) }, 9],
    ["start -1", { start: attr.int(-1) }, 5],
    ["start 1, end 2", { start: attr.int(1), end: attr.int(2) }, 3],
    ["start clipped", { start: attr.int(-10) }, 14],
    ["end clipped", { end: attr.int(10) }, 14],
    ["start after end (empty)", { start: attr.int(3), end: attr.int(1) }, 0],
  ])("%s: a constant, no circuit", async (_, attrs, sum) => {
    const { plan } = await checkAgainstFloat(model(attrs), samples(r, [X], 2));
    const shapeNode = plan.nodes.find((n) => n.node.opType === "Shape");
    expect(shapeNode?.prims).toEqual([]);
    // The folded sum is the Add's bias: sum · 2^7.
    const add = plan.nodes.find((n) => n.node.opType === "Add")?.prims[0];
    expect(add?.kind === "affine" && add.bias[0]).toBe(BigInt(sum * 128));
  });
});

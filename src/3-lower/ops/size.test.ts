import { describe, expect, it } from "vitest";
import { samples } from "../../../test/support/data-movement.js";
import { checkAgainstFloat, rng } from "../../../test/support/op-check.js";
import { attr, buildModel, DataType, node, valueInfo } from "../../1-decode/onnx-builder.js";

const r = rng(37);

describe("Size", () => {
  it.each([[[3, 4]], [[2, 1, 5]], [[7]]])("of %j is a constant, no circuit", async (shape) => {
    const m = buildModel({
      nodes: [
        node("Size", ["x"], ["n"], {}, "size"),
        node("Cast", ["n"], ["f"], { to: attr.int(DataType.FLOAT) }, "cast"),
        node("Mul", ["x", "f"], ["y"], {}, "mul"),
      ],
      inputs: [valueInfo("x", DataType.FLOAT, shape)],
      outputs: [valueInfo("y", DataType.FLOAT, shape)],
    });
    const { plan } = await checkAgainstFloat(m, samples(r, [shape], 2));
    expect(plan.nodes.find((n) => n.node.opType === "Size")?.prims).toEqual([]);
    // x · size, exact: the folded factor is an integer.
    const n = shape.reduce((a, b) => a * b, 1);
    const mul = plan.nodes.find((x) => x.node.opType === "Mul")?.prims[0];
    expect(mul?.kind === "affine" && mul.rows[0]?.coef[0]).toBe(BigInt(n));
  });
});

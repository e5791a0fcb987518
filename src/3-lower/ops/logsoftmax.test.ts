import { describe, expect, it } from "vitest";
import { expectSoftmaxDocumented } from "../../../test/support/activation-table.js";
import {
  checkAgainstFloat,
  checkCircuit,
  FIXED,
  rng,
  singleOp,
  uniform,
} from "../../../test/support/op-check.js";
import { attr } from "../../1-decode/onnx-builder.js";

const r = rng(17);

function model(shape: number[], axis?: number, opset = 13) {
  return singleOp({
    op: "LogSoftmax",
    inputs: [["x", shape]],
    output: shape,
    attrs: axis === undefined ? {} : { axis: attr.int(axis) },
    opset,
  });
}

describe("LogSoftmax", () => {
  it("every axis of a 3-D input (opset 13), within the proven bound; no division", async () => {
    const opts = { ...FIXED, inputRange: [-4, 4] as [number, number] };
    for (const axis of [undefined, 0, 1]) {
      const samples = Array.from({ length: 3 }, () => [uniform(r, 24, -4, 4)]);
      const { plan, errorBound } = await checkAgainstFloat(model([2, 3, 4], axis), samples, opts);
      expect(errorBound).toBeLessThan(2 ** -3);
      expect(plan.nodes[0]?.prims.some((p) => p.kind === "div")).toBe(false);
    }
  });

  it("opset < 13 coerces to 2-D at the axis", async () => {
    await checkAgainstFloat(model([2, 2, 3], 1, 11), [[uniform(r, 12)], [uniform(r, 12)]]);
  });

  it("compiles: witness = reference, count = estimate", { tags: ["heavy"] }, async () => {
    const opts = { ...FIXED, inputRange: [-3, 3] as [number, number] };
    await checkCircuit(model([2, 3]), [[uniform(r, 6, -3, 3)]], opts);
  });

  it("rejects an axis out of range", async () => {
    await expect(checkAgainstFloat(model([2, 3], -3), [])).rejects.toMatchObject({ code: "bad-attribute" });
  });

  it("meets its documented cost and error at the default scales", async () => {
    await expectSoftmaxDocumented("LogSoftmax");
  });
});

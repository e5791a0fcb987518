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
import { softmaxRows } from "./softmax.js";

const r = rng(13);

function model(shape: number[], axis?: number, opset = 13) {
  return singleOp({
    op: "Softmax",
    inputs: [["x", shape]],
    output: shape,
    attrs: axis === undefined ? {} : { axis: attr.int(axis) },
    opset,
  });
}

const n = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

describe("Softmax", () => {
  it("rows: along one axis (opset >= 13) or every dimension from the axis on (opset < 13)", () => {
    expect(softmaxRows([2, 3], { axis: 1, coerce2d: false }).map((r) => [...r])).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(softmaxRows([2, 3], { axis: 0, coerce2d: false }).map((r) => [...r])).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    expect(softmaxRows([2, 2, 2], { axis: 1, coerce2d: true }).map((r) => [...r])).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
  });

  it("every axis of a 3-D input (opset 13, default -1), within the proven bound", async () => {
    const shape = [2, 3, 4];
    for (const axis of [undefined, 0, 1, 2, -2]) {
      const samples = Array.from({ length: 3 }, () => [uniform(r, n(shape), -4, 4)]);
      const opts = { ...FIXED, inputRange: [-4, 4] as [number, number] };
      const { errorBound, maxError } = await checkAgainstFloat(model(shape, axis), samples, opts);
      expect(errorBound, `axis ${axis}`).toBeLessThan(2 ** -5);
      expect(maxError).toBeGreaterThan(0);
    }
  });

  it("opset < 13 coerces to 2-D at the axis (default 1)", async () => {
    const shape = [2, 2, 3];
    for (const axis of [undefined, 2, 0]) {
      const samples = Array.from({ length: 3 }, () => [uniform(r, n(shape))]);
      await checkAgainstFloat(model(shape, axis, 11), samples);
    }
  });

  it("large logits (test_softmax_large_number): only differences matter", async () => {
    const opts = { ...FIXED, inputRange: [0, 10010] as [number, number], inputCheck: "exact" as const };
    const samples = [[Float64Array.of(1, 2, 3, 4, 10000, 10001, 10002, 10003)]];
    await checkAgainstFloat(model([2, 4]), samples, opts);
  });

  it("compiles: witness = reference, count = estimate", { tags: ["heavy"] }, async () => {
    const samples = Array.from({ length: 2 }, () => [uniform(r, 6, -3, 3)]);
    const opts = { ...FIXED, inputRange: [-3, 3] as [number, number] };
    await checkCircuit(model([2, 3]), samples, opts);
  });

  it("rejects an axis out of range", async () => {
    await expect(checkAgainstFloat(model([2, 3], 2), [])).rejects.toMatchObject({
      code: "bad-attribute",
      node: { opType: "Softmax" },
    });
  });

  it("meets its documented cost and error at the default scales", async () => {
    await expectSoftmaxDocumented("Softmax");
  });
});

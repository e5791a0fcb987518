import { describe, expect, it } from "vitest";
import { checkAgainstFloat, checkCircuit, rng, singleOp, uniform } from "../../../test/support/op-check.js";
import { buildModel, DataType, node, tensorProto, valueInfo } from "../../1-decode/onnx-builder.js";

const r = rng(12);
const samples = (n: number, ...sizes: number[]) =>
  Array.from({ length: n }, () => sizes.map((s) => uniform(r, s)));

describe("Sub", () => {
  it("signal − signal with broadcasting is free", { tags: ["heavy"] }, async () => {
    const m = singleOp({
      op: "Sub",
      inputs: [
        ["a", [2, 3]],
        ["b", [3]],
      ],
      output: [2, 3],
    });
    const { plan, maxError } = await checkAgainstFloat(m, samples(10, 6, 3));
    expect(plan.tensors.at(-1)?.scale).toBe(7);
    expect(maxError).toBeLessThanOrEqual(2 ** -7);
    expect((await checkCircuit(m, samples(2, 6, 3))).constraints).toBe(9 * 9);
  });

  it("constant − signal and signal − constant; signals at different scales align exactly", async () => {
    const c = uniform(r, 3);
    const left = singleOp({
      op: "Sub",
      inputs: [["x", [3]]],
      weights: [["c", [3], c]],
      nodeInputs: ["c", "x"],
      output: [3],
    });
    await checkAgainstFloat(left, samples(10, 3));
    const right = singleOp({ op: "Sub", inputs: [["x", [2, 3]]], weights: [["c", [3], c]], output: [2, 3] });
    await checkAgainstFloat(right, samples(10, 6));
    const mixed = buildModel({
      nodes: [node("Mul", ["x", "w"], ["h"], {}, "scale"), node("Sub", ["x", "h"], ["y"], {}, "diff")],
      initializers: [tensorProto("w", [3], uniform(r, 3))],
      inputs: [valueInfo("x", DataType.FLOAT, [3])],
      outputs: [valueInfo("y", DataType.FLOAT, [3])],
    });
    const { plan } = await checkAgainstFloat(mixed, samples(10, 3));
    expect(plan.tensors.at(-1)?.scale).toBe(14);
  });
});

import { describe, expect, it } from "vitest";
import { checkAgainstFloat, checkCircuit, rng, singleOp, uniform } from "../../../test/support/op-check.js";
import { buildModel, DataType, node, tensorProto, valueInfo } from "../../1-decode/onnx-builder.js";

const r = rng(23);
const samples = (n: number, ...sizes: number[]) =>
  Array.from({ length: n }, () => sizes.map((s) => uniform(r, s)));

describe("Min", () => {
  it("of two broadcast signals (negations free): one Max2 per element, exact", {
    tags: ["heavy"],
  }, async () => {
    const m = singleOp({
      op: "Min",
      inputs: [
        ["a", [3, 2]],
        ["b", [2]],
      ],
      output: [3, 2],
    });
    const s = samples(10, 6, 2);
    const { maxError } = await checkAgainstFloat(m, s);
    expect(maxError).toBeLessThanOrEqual(2 ** -8);
    expect((await checkCircuit(m, s.slice(0, 2))).constraints).toBe(8 * 9 + 6 * 11);
  });

  it("aligns inputs at different scales and takes a constant", { tags: ["heavy"] }, async () => {
    const m = buildModel({
      nodes: [node("Mul", ["x", "w"], ["h"], {}, "scale"), node("Min", ["x", "h", "k"], ["y"], {}, "min")],
      initializers: [tensorProto("w", [3], uniform(r, 3)), tensorProto("k", [3], uniform(r, 3))],
      inputs: [valueInfo("x", DataType.FLOAT, [3])],
      outputs: [valueInfo("y", DataType.FLOAT, [3])],
    });
    const s = samples(10, 3);
    const { plan } = await checkAgainstFloat(m, s);
    expect(plan.tensors.at(-1)?.scale).toBe(14);
    await checkCircuit(m, s.slice(0, 2));
  });
});

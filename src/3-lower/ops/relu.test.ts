import { describe, expect, it } from "vitest";
import { checkAgainstFloat, checkCircuit, rng, singleOp, uniform } from "../../../test/support/op-check.js";
import { attr, buildModel, DataType, node, tensorProto, valueInfo } from "../../1-decode/onnx-builder.js";

const r = rng(4);

describe("Relu", () => {
  it("on an input at the working scale is a plain ReLU (k = 0): N + 1 constraints", {
    tags: ["heavy"],
  }, async () => {
    const m = singleOp({ op: "Relu", inputs: [["x", [1, 8]]], output: [1, 8] });
    const samples = Array.from({ length: 10 }, () => [uniform(r, 8)]);
    const { maxError } = await checkAgainstFloat(m, samples);
    expect(maxError).toBeLessThanOrEqual(2 ** -8);
    // 9-bit input range checks, then ReLU on [-128, 383] → N = 10, +1 for the product.
    expect((await checkCircuit(m, samples.slice(0, 3))).constraints).toBe(8 * 9 + 8 * 11);
  });

  it("after a linear layer is fused with the rescale back to the working scale", {
    tags: ["heavy"],
  }, async () => {
    const m = buildModel({
      nodes: [
        node("Gemm", ["x", "W", "b"], ["h"], { transB: attr.int(1) }, "fc"),
        node("Relu", ["h"], ["y"], {}, "relu"),
      ],
      initializers: [
        tensorProto("W", [4, 6], uniform(r, 24)),
        tensorProto("b", [4], uniform(r, 4, -0.2, 0.2)),
      ],
      inputs: [valueInfo("x", DataType.FLOAT, [1, 6])],
      outputs: [valueInfo("y", DataType.FLOAT, [1, 4])],
    });
    const samples = Array.from({ length: 20 }, () => [uniform(r, 6)]);
    const { plan } = await checkAgainstFloat(m, samples);
    const rescale = plan.nodes[1]?.prims[0];
    expect(rescale).toMatchObject({ kind: "rescale", k: 7, relu: true });
    expect(plan.tensors.at(-1)?.scale).toBe(7);
    await checkCircuit(m, samples.slice(0, 3));
  });
});

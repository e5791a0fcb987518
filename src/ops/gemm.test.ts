import { describe, expect, it } from "vitest";
import { checkAgainstFloat, checkCircuit, rng, singleOp, uniform } from "../../test/support/op-check.js";
import { attr } from "../1-decode/onnx-builder.js";

const r = rng(1);
const W = uniform(r, 5 * 4, -0.8, 0.8);
const B = uniform(r, 5, -0.5, 0.5);
const samples = (n: number, size: number) => Array.from({ length: n }, () => [uniform(r, size)]);

describe("Gemm", () => {
  it("transB with bias, alpha and beta: reference within the proven error bound of onnxruntime", async () => {
    const model = singleOp({
      op: "Gemm",
      inputs: [["x", [1, 4]]],
      weights: [
        ["W", [5, 4], W],
        ["B", [5], B],
      ],
      attrs: { transB: attr.int(1), alpha: attr.float(0.5), beta: attr.float(2) },
      output: [1, 5],
    });
    const { plan, maxError, errorBound } = await checkAgainstFloat(model, samples(30, 4));
    expect(plan.tensors.at(-1)?.scale).toBe(14); // input 7 + param 7
    expect(errorBound).toBeLessThan(0.05);
    expect(maxError).toBeLessThan(errorBound);
  });

  it("transA with the constant on the left (A const, B signal)", async () => {
    const model = singleOp({
      op: "Gemm",
      inputs: [["x", [4, 1]]],
      weights: [["A", [4, 5], W]],
      nodeInputs: ["A", "x"],
      attrs: { transA: attr.int(1) },
      output: [5, 1],
    });
    await checkAgainstFloat(model, samples(10, 4));
  });

  it("is free in the circuit: only the private input range checks cost constraints", async () => {
    // 3 outputs of 4 inputs: with more outputs than inputs the outputs would be linearly dependent and
    // one linear constraint among public signals would have to stay.
    const model = singleOp({
      op: "Gemm",
      inputs: [["x", [1, 4]]],
      weights: [["W", [4, 3], W.slice(0, 12)]],
      output: [1, 3],
    });
    const { constraints } = await checkCircuit(model, samples(3, 4));
    expect(constraints).toBe(4 * 9); // [-1, 1] at 2^7 is [-128, 128]: 9-bit checks, and no product constraint
  });

  it("rejects two signal operands and mismatched inner dimensions, naming the node", async () => {
    const two = singleOp({
      op: "Gemm",
      inputs: [
        ["a", [1, 4]],
        ["b", [4, 2]],
      ],
      output: [1, 2],
    });
    await expect(checkAgainstFloat(two, [])).rejects.toThrow(/both operands are signals/);
    const bad = singleOp({
      op: "Gemm",
      inputs: [["x", [1, 3]]],
      weights: [["W", [4, 5], W]],
      output: [1, 5],
    });
    await expect(checkAgainstFloat(bad, [])).rejects.toMatchObject({
      code: "bad-shape",
      node: { name: "n0", opType: "Gemm" },
    });
  });
});

import { describe, expect, it } from "vitest";
import { checkAgainstFloat, checkCircuit, rng, singleOp, uniform } from "../../../test/support/op-check.js";
import { attr } from "../../1-decode/onnx-builder.js";

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

  it("is free in the circuit: only the private input range checks cost constraints", {
    tags: ["heavy"],
  }, async () => {
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

  it("A and B signals (the ONNX node tests' variants): alpha, beta, transposes, C signal or constant", {
    tags: ["heavy"],
  }, async () => {
    const signals = (
      a: number[],
      b: number[],
      c: number[] | undefined,
      attrs: Record<string, ReturnType<typeof attr.int>>,
    ) =>
      singleOp({
        op: "Gemm",
        inputs: [["a", a], ["b", b], ...(c ? [["c", c] as [string, number[]]] : [])],
        attrs,
        output: [transposed(a, attrs.transA)[0] as number, transposed(b, attrs.transB)[1] as number],
      });
    const transposed = (s: number[], t: unknown) => (t ? [s[1], s[0]] : s);
    const size = (s: number[] | undefined) => (s ?? []).reduce((p, d) => p * d, 1);
    const cases: [number[], number[], number[] | undefined, Record<string, ReturnType<typeof attr.int>>][] = [
      [
        [4, 3],
        [5, 4],
        [1, 5],
        { transA: attr.int(1), transB: attr.int(1), alpha: attr.float(0.25), beta: attr.float(0.35) },
      ],
      [[3, 5], [5, 4], [1, 4], { alpha: attr.float(0.5) }],
      [[2, 7], [7, 4], [1, 4], { beta: attr.float(0.5) }],
      [[3, 6], [6, 4], [3, 4], {}],
      [[2, 10], [10, 3], undefined, {}],
      [[2, 3], [3, 4], [], {}],
      [[3, 7], [7, 3], [1], {}],
    ];
    for (const [a, b, c, attrs] of cases) {
      const s = Array.from({ length: 3 }, () => [
        uniform(r, size(a)),
        uniform(r, size(b)),
        ...(c ? [uniform(r, size(c))] : []),
      ]);
      await checkAgainstFloat(signals(a, b, c, attrs), s);
    }
    const m = signals([2, 3], [3, 2], undefined, {});
    expect((await checkCircuit(m, [[uniform(r, 6), uniform(r, 6)]])).constraints).toBe(12 * 9 + 2 * 3 * 2);
    const withC = signals([2, 3], [2, 3], [2], {
      transB: attr.int(1),
      alpha: attr.float(0.5),
      beta: attr.float(3),
    });
    await checkCircuit(withC, [[uniform(r, 6), uniform(r, 6), uniform(r, 2)]]);
  });

  it("rejects mismatched inner dimensions and a C that does not broadcast, naming the node", async () => {
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
    const badC = singleOp({
      op: "Gemm",
      inputs: [["x", [1, 4]]],
      weights: [
        ["W", [4, 5], W],
        ["C", [3], [1, 2, 3]],
      ],
      output: [1, 5],
    });
    await expect(checkAgainstFloat(badC, [])).rejects.toMatchObject({ code: "bad-shape" });
  });
});

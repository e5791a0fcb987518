import { describe, expect, it } from "vitest";
import { checkAgainstFloat, checkCircuit, rng, singleOp, uniform } from "../../../test/support/op-check.js";

const r = rng(2);
const W = uniform(r, 6 * 3, -1, 1);

describe("MatMul", () => {
  it("2-D signal × constant matches onnxruntime within the bound", async () => {
    const m = singleOp({
      op: "MatMul",
      inputs: [["x", [2, 6]]],
      weights: [["W", [6, 3], W]],
      output: [2, 3],
    });
    const { plan } = await checkAgainstFloat(
      m,
      Array.from({ length: 10 }, () => [uniform(r, 12)]),
    );
    expect(plan.tensors.at(-1)?.shape).toEqual([2, 3]);
  });

  it("constant × signal, 1-D operands, and batch dims on the signal side", async () => {
    const left = singleOp({
      op: "MatMul",
      inputs: [["x", [6, 3]]],
      weights: [["W", [3, 6], W]],
      nodeInputs: ["W", "x"],
      output: [3, 3],
    });
    await checkAgainstFloat(
      left,
      Array.from({ length: 5 }, () => [uniform(r, 18)]),
    );
    const vec = singleOp({ op: "MatMul", inputs: [["x", [6]]], weights: [["W", [6, 3], W]], output: [3] });
    const v = await checkAgainstFloat(
      vec,
      Array.from({ length: 5 }, () => [uniform(r, 6)]),
    );
    expect(v.plan.tensors.at(-1)?.shape).toEqual([3]);
    const batched = singleOp({
      op: "MatMul",
      inputs: [["x", [2, 4, 6]]],
      weights: [["W", [6, 3], W]],
      output: [2, 4, 3],
    });
    await checkAgainstFloat(
      batched,
      Array.from({ length: 3 }, () => [uniform(r, 48)]),
    );
  });

  it("compiles to a circuit whose witness equals the reference", { tags: ["heavy"] }, async () => {
    const m = singleOp({
      op: "MatMul",
      inputs: [["x", [1, 6]]],
      weights: [["W", [6, 3], W]],
      output: [1, 3],
    });
    expect((await checkCircuit(m, [[uniform(r, 6)]])).constraints).toBe(6 * 9);
  });

  it("signal × signal: one constraint per product, numpy batch broadcasting and 1-D operands", {
    tags: ["heavy"],
  }, async () => {
    const two = (a: number[], b: number[], out: number[]) =>
      singleOp({
        op: "MatMul",
        inputs: [
          ["a", a],
          ["b", b],
        ],
        output: out,
      });
    const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
    // the ONNX node tests' shapes: 2d, 3d, 4d, 1d·1d, 1d·3d, 4d·1d, broadcast batch
    const cases: [number[], number[], number[]][] = [
      [
        [3, 4],
        [4, 3],
        [3, 3],
      ],
      [
        [2, 3, 4],
        [2, 4, 3],
        [2, 3, 3],
      ],
      [
        [1, 2, 3, 4],
        [1, 2, 4, 3],
        [1, 2, 3, 3],
      ],
      [[3], [3], []],
      [[4], [2, 4, 1], [2, 1]],
      [[1, 2, 4, 3], [3], [1, 2, 4]],
      [
        [3, 1, 3, 4],
        [1, 2, 4, 2],
        [3, 2, 3, 2],
      ],
    ];
    for (const [a, b, out] of cases) {
      const s = Array.from({ length: 3 }, () => [uniform(r, size(a)), uniform(r, size(b))]);
      const { plan } = await checkAgainstFloat(two(a, b, out), s);
      expect(plan.tensors.at(-1)?.shape, `[${a}] × [${b}]`).toEqual(out);
      expect(plan.tensors.at(-1)?.scale).toBe(14);
    }
    const m = two([2, 3], [3, 2], [2, 2]);
    const s = [[uniform(r, 6), uniform(r, 6)]];
    expect((await checkCircuit(m, s)).constraints).toBe(12 * 9 + 2 * 3 * 2);
  });

  it("A·A computes each distinct product once; a batched constant operand is free", {
    tags: ["heavy"],
  }, async () => {
    const m = singleOp({ op: "MatMul", inputs: [["x", [3, 3]]], nodeInputs: ["x", "x"], output: [3, 3] });
    const s = [[uniform(r, 9)]];
    await checkAgainstFloat(m, s);
    // 27 products x[i][k]·x[k][j]; x[0][1]·x[1][0] and x[1][0]·x[0][1] (and the like) coincide: 27 − 3
    expect((await checkCircuit(m, s)).constraints).toBe(9 * 9 + 24);
    const batched = singleOp({
      op: "MatMul",
      inputs: [["x", [3, 4]]],
      weights: [["W", [2, 4, 3], uniform(r, 24)]],
      output: [2, 3, 3],
    });
    await checkAgainstFloat(batched, [[uniform(r, 12)]]);
  });

  it("rejects a shape mismatch", async () => {
    await expect(
      checkAgainstFloat(
        singleOp({ op: "MatMul", inputs: [["x", [1, 5]]], weights: [["W", [6, 3], W]], output: [1, 3] }),
        [],
      ),
    ).rejects.toMatchObject({ code: "bad-shape" });
  });
});

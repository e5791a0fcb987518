import { describe, expect, it } from "vitest";
import { checkAgainstFloat, checkCircuit, rng, singleOp, uniform } from "../../test/support/op-check.js";

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

  it("compiles to a circuit whose witness equals the reference", async () => {
    const m = singleOp({
      op: "MatMul",
      inputs: [["x", [1, 6]]],
      weights: [["W", [6, 3], W]],
      output: [1, 3],
    });
    expect((await checkCircuit(m, [[uniform(r, 6)]])).constraints).toBe(6 * 9);
  });

  it("rejects a product of two signals and a shape mismatch", async () => {
    await expect(
      checkAgainstFloat(
        singleOp({
          op: "MatMul",
          inputs: [
            ["a", [2, 2]],
            ["b", [2, 2]],
          ],
          output: [2, 2],
        }),
        [],
      ),
    ).rejects.toThrow(/both operands are signals/);
    await expect(
      checkAgainstFloat(
        singleOp({ op: "MatMul", inputs: [["x", [1, 5]]], weights: [["W", [6, 3], W]], output: [1, 3] }),
        [],
      ),
    ).rejects.toMatchObject({ code: "bad-shape" });
  });
});

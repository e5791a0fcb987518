import { describe, expect, it } from "vitest";
import { checkAgainstFloat, checkCircuit, rng, singleOp, uniform } from "../../../test/support/op-check.js";
import { attr } from "../../1-decode/onnx-builder.js";

const r = rng(11);
const samples = (n: number, len: number) => Array.from({ length: n }, () => [uniform(r, len)]);

function inorm(x: number[], eps?: number): Uint8Array {
  const C = x[1] as number;
  return singleOp({
    op: "InstanceNormalization",
    inputs: [["x", x]],
    weights: [
      ["s", [C], uniform(r, C, 0.5, 1.5)],
      ["b", [C], uniform(r, C, -0.5, 0.5)],
    ],
    attrs: eps === undefined ? {} : { epsilon: attr.float(eps) },
    output: x,
  });
}

describe("InstanceNormalization", () => {
  it("per (image, channel) over the spatial axes: within the proven bound, accurate in practice", async () => {
    const len = 2 * 3 * 4 * 5;
    const flat = Float64Array.from({ length: len }, (_, i) => (Math.floor(i / 20) % 2 ? 0.25 : (i % 3) - 1));
    const { plan, maxError, errorBound } = await checkAgainstFloat(inorm([2, 3, 4, 5], 0.01), [
      ...samples(10, len),
      [flat],
    ]);
    expect(plan.tensors.at(-1)?.scale).toBe(14);
    expect(maxError).toBeLessThanOrEqual(errorBound);
    expect(maxError).toBeLessThan(0.05);
  });

  it("1-D spatial, default epsilon; scale and B as graph inputs", async () => {
    await checkAgainstFloat(inorm([1, 2, 6]), samples(6, 12));
    const bytes = singleOp({
      op: "InstanceNormalization",
      inputs: [
        ["x", [1, 2, 3]],
        ["s", [2]],
        ["b", [2]],
      ],
      output: [1, 2, 3],
    });
    await checkAgainstFloat(
      bytes,
      Array.from({ length: 4 }, () => [uniform(r, 6), uniform(r, 2), uniform(r, 2)]),
    );
  });

  it("compiles to a circuit whose count matches the plan", { tags: ["heavy"] }, async () => {
    await checkCircuit(inorm([1, 2, 2, 2], 0.01), [...samples(2, 8), [new Float64Array(8).fill(0.5)]]);
  });

  it("rejects a scale of the wrong shape and a rank-2 input", async () => {
    const bad = singleOp({
      op: "InstanceNormalization",
      inputs: [["x", [1, 2, 3]]],
      weights: [
        ["s", [3], uniform(r, 3)],
        ["b", [2], uniform(r, 2)],
      ],
      output: [1, 2, 3],
    });
    await expect(checkAgainstFloat(bad, [])).rejects.toMatchObject({
      code: "bad-shape",
      node: { name: "n0", opType: "InstanceNormalization" },
    });
    const flat = singleOp({
      op: "InstanceNormalization",
      inputs: [["x", [2, 3]]],
      weights: [
        ["s", [3], uniform(r, 3)],
        ["b", [3], uniform(r, 3)],
      ],
      output: [2, 3],
    });
    await expect(checkAgainstFloat(flat, [])).rejects.toMatchObject({ code: "bad-shape" });
  });
});

import { describe, expect, it } from "vitest";
import { checkAgainstFloat, checkCircuit, rng, singleOp, uniform } from "../../../test/support/op-check.js";

const r = rng(8);
const samples = (n: number, len: number) => Array.from({ length: n }, () => [uniform(r, len)]);

describe("GlobalAveragePool", () => {
  it("a power-of-two spatial size is exact (scale + 4 for 4×4)", async () => {
    const { plan, maxError, errorBound } = await checkAgainstFloat(
      singleOp({ op: "GlobalAveragePool", inputs: [["x", [1, 3, 4, 4]]], output: [1, 3, 1, 1] }),
      samples(8, 48),
    );
    expect(plan.tensors.at(-1)?.scale).toBe(7 + 4);
    expect(errorBound).toBeCloseTo(2 ** -8, 12);
    expect(maxError).toBeLessThanOrEqual(errorBound);
  });

  it("other sizes (5×5, 1-D of 7) multiply by a quantized 1/count", async () => {
    const { maxError, errorBound } = await checkAgainstFloat(
      singleOp({ op: "GlobalAveragePool", inputs: [["x", [2, 2, 5, 5]]], output: [2, 2, 1, 1] }),
      samples(8, 100),
    );
    expect(maxError).toBeLessThanOrEqual(errorBound);
    await checkAgainstFloat(
      singleOp({ op: "GlobalAveragePool", inputs: [["x", [1, 2, 7]]], output: [1, 2, 1] }),
      samples(4, 14),
    );
  });

  it("compiles to a circuit that costs only the input range checks", { tags: ["heavy"] }, async () => {
    const bytes = singleOp({ op: "GlobalAveragePool", inputs: [["x", [1, 2, 3, 3]]], output: [1, 2, 1, 1] });
    const { constraints } = await checkCircuit(bytes, samples(2, 18));
    expect(constraints).toBe(18 * 9);
  });
});

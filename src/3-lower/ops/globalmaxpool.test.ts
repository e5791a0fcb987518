import { describe, expect, it } from "vitest";
import { checkAgainstFloat, checkCircuit, rng, singleOp, uniform } from "../../../test/support/op-check.js";
import { bitsSigned } from "../rounding.js";

const r = rng(6);
const samples = (n: number, len: number) => Array.from({ length: n }, () => [uniform(r, len)]);

describe("GlobalMaxPool", () => {
  it("the max over the spatial axes of each channel (2-D and 1-D)", async () => {
    const { plan, maxError, errorBound } = await checkAgainstFloat(
      singleOp({ op: "GlobalMaxPool", inputs: [["x", [2, 3, 4, 5]]], output: [2, 3, 1, 1] }),
      samples(8, 120),
    );
    expect(plan.outputs[0]?.shape).toEqual([2, 3, 1, 1]);
    expect(errorBound).toBe(2 ** -8);
    expect(maxError).toBeLessThanOrEqual(errorBound);
    await checkAgainstFloat(
      singleOp({ op: "GlobalMaxPool", inputs: [["x", [1, 2, 7]]], output: [1, 2, 1] }),
      samples(4, 14),
    );
  });

  it("compiles to (positions − 1)·(width + 1) constraints per channel", { tags: ["heavy"] }, async () => {
    const bytes = singleOp({ op: "GlobalMaxPool", inputs: [["x", [1, 2, 2, 3]]], output: [1, 2, 1, 1] });
    const { plan } = await checkAgainstFloat(bytes, samples(2, 12));
    const lo = plan.tensors[0]?.lo[0] ?? 0n;
    const hi = plan.tensors[0]?.hi[0] ?? 0n;
    const { constraints } = await checkCircuit(bytes, samples(2, 12));
    expect(constraints).toBe(12 * 9 + 2 * 5 * (bitsSigned(lo - hi, hi - lo) + 1));
  });

  it("rejects an input without spatial axes", async () => {
    await expect(
      checkAgainstFloat(singleOp({ op: "GlobalMaxPool", inputs: [["x", [2, 3]]], output: [2, 3] }), []),
    ).rejects.toMatchObject({ code: "bad-shape", node: { opType: "GlobalMaxPool" } });
  });
});

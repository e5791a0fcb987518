import { describe, expect, it } from "vitest";
import { checkAgainstFloat, checkCircuit, rng, singleOp, uniform } from "../../../test/support/op-check.js";

const r = rng(13);

describe("Neg", () => {
  it("is free and exact", { tags: ["heavy"] }, async () => {
    const m = singleOp({ op: "Neg", inputs: [["x", [3, 4]]], output: [3, 4] });
    const s = Array.from({ length: 10 }, () => [uniform(r, 12)]);
    const { plan, maxError } = await checkAgainstFloat(m, s);
    expect(plan.tensors.at(-1)?.scale).toBe(7);
    expect(maxError).toBeLessThanOrEqual(2 ** -8);
    expect((await checkCircuit(m, s.slice(0, 2))).constraints).toBe(12 * 9);
  });
});

import { describe, expect, it } from "vitest";
import {
  checkAgainstFloat,
  checkCircuit,
  FIXED,
  rng,
  singleOp,
  uniform,
} from "../../../test/support/op-check.js";

const r = rng(19);

describe("Abs", () => {
  it("sign test + one product: N + 1 constraints per element, exact", { tags: ["heavy"] }, async () => {
    const m = singleOp({ op: "Abs", inputs: [["x", [3, 4]]], output: [3, 4] });
    const s = Array.from({ length: 10 }, () => [uniform(r, 12)]);
    const { plan, maxError } = await checkAgainstFloat(m, s);
    expect(maxError).toBeLessThanOrEqual(2 ** -8);
    const out = plan.tensors.at(-1);
    expect(out?.lo.every((l) => l === 0n)).toBe(true);
    // x ∈ [-128, 383]: a 10-bit sign test and one product
    expect((await checkCircuit(m, s.slice(0, 2))).constraints).toBe(12 * (9 + 10 + 1));
  });

  it("is free when the sign is known from the calibrated range", async () => {
    const m = singleOp({ op: "Abs", inputs: [["x", [3]]], output: [3] });
    const s = [[uniform(r, 3, 0, 1)]];
    const { plan } = await checkAgainstFloat(m, s, { ...FIXED, inputRange: [0, 1] });
    expect(plan.nodes.at(-1)?.prims).toEqual([]);
  });
});

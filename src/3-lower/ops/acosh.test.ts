import { describe, expect, it } from "vitest";
import { expectDocumented, measureActivation } from "../../../test/support/activation-table.js";
import {
  checkAgainstFloat,
  checkCircuit,
  FIXED,
  rng,
  singleOp,
  uniform,
} from "../../../test/support/op-check.js";

const m = singleOp({ op: "Acosh", inputs: [["x", [2, 4]]], output: [2, 4] });
const over = (lo: number, hi: number, inputCheck: "pow2" | "exact" = "pow2") => ({
  ...FIXED,
  inputRange: [lo, hi] as [number, number],
  inputCheck,
});
const samples = (lo: number, hi: number, seed: number) => {
  const r = rng(seed);
  return Array.from({ length: 6 }, () => [uniform(r, 8, lo, hi)]);
};

describe("Acosh", () => {
  it("on an input proven within [1, ∞): matches onnxruntime within the proven bound; circuit = reference", {
    tags: ["heavy"],
  }, async () => {
    // pow2: the range check covers [lo, lo + 2^bits), here [1, 5]
    const s = samples(1, 5, 11);
    const { errorBound } = await checkAgainstFloat(m, s, over(1, 5));
    expect(errorBound).toBeLessThan(2 ** -3);
    await checkCircuit(m, s.slice(0, 2), over(1, 5));
    // from 1, where acosh is steep
    const steep = await checkAgainstFloat(m, samples(1, 10, 12), over(1, 10, "exact"));
    expect(steep.errorBound).toBeLessThan(0.25);
  });

  it("rejects an input that can leave [1, ∞), including through a pow2 range check", async () => {
    for (const opts of [over(0.5, 4, "exact"), over(0.99, 4)])
      await expect(checkAgainstFloat(m, [], opts)).rejects.toMatchObject({
        code: "unsupported-op",
        node: { opType: "Acosh" },
        message: expect.stringContaining("outside [1, ∞) where acosh is"),
      });
  });

  it("meets its documented cost and error at the default scales", async () => {
    expectDocumented("Acosh", await measureActivation({ op: "Acosh", f: Math.acosh, range: [1, 10] }));
  });
});

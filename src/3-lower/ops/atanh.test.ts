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

const m = singleOp({ op: "Atanh", inputs: [["x", [2, 4]]], output: [2, 4] });
const over = (lo: number, hi: number, inputCheck: "pow2" | "exact" = "pow2") => ({
  ...FIXED,
  inputRange: [lo, hi] as [number, number],
  inputCheck,
});
const samples = (lo: number, hi: number, seed: number) => {
  const r = rng(seed);
  return Array.from({ length: 6 }, () => [uniform(r, 8, lo, hi)]);
};

describe("Atanh", () => {
  it("on an input proven within (-1, 1): matches onnxruntime within the proven bound; circuit = reference", {
    tags: ["heavy"],
  }, async () => {
    // pow2: the range check covers [lo, lo + 2^bits), here [-0.5, 0.49]
    const s = samples(-0.5, 0.49, 11);
    const { errorBound } = await checkAgainstFloat(m, s, over(-0.5, 0.49));
    expect(errorBound).toBeLessThan(2 ** -4);
    await checkCircuit(m, s.slice(0, 2), over(-0.5, 0.49));
    // towards ±1, where atanh is steep
    const steep = await checkAgainstFloat(m, samples(-0.95, 0.95, 12), over(-0.95, 0.95, "exact"));
    expect(steep.errorBound).toBeLessThan(0.25);
  });

  it("rejects an input that can leave (-1, 1), including through a pow2 range check", async () => {
    for (const opts of [over(-1, 0.5, "exact"), over(-0.9, 0.9)])
      await expect(checkAgainstFloat(m, [], opts)).rejects.toMatchObject({
        code: "unsupported-op",
        node: { opType: "Atanh" },
        message: expect.stringContaining("outside (-1, 1) where atanh is"),
      });
  });

  it("meets its documented cost and error at the default scales", async () => {
    expectDocumented("Atanh", await measureActivation({ op: "Atanh", f: Math.atanh, range: [-0.99, 0.99] }));
  });
});

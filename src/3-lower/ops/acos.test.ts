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

const m = singleOp({ op: "Acos", inputs: [["x", [2, 4]]], output: [2, 4] });
const over = (lo: number, hi: number, inputCheck: "pow2" | "exact" = "pow2") => ({
  ...FIXED,
  inputRange: [lo, hi] as [number, number],
  inputCheck,
});
const samples = (lo: number, hi: number, seed: number) => {
  const r = rng(seed);
  return Array.from({ length: 6 }, () => [uniform(r, 8, lo, hi)]);
};

describe("Acos", () => {
  it("on an input proven within [-1, 1]: matches onnxruntime within the proven bound; circuit = reference", {
    tags: ["heavy"],
  }, async () => {
    // pow2: the range check covers [lo, lo + 2^bits), here [-1, 0.99]
    const s = samples(-1, 0.99, 11);
    const { errorBound } = await checkAgainstFloat(m, s, over(-1, 0.99));
    expect(errorBound).toBeLessThan(2 ** -3);
    await checkCircuit(m, s.slice(0, 2), over(-1, 0.99));
    // up to ±1, where acos is steep
    const steep = await checkAgainstFloat(m, samples(-1, 1, 12), over(-1, 1, "exact"));
    expect(steep.errorBound).toBeLessThan(0.25);
  });

  it("rejects an input that can leave [-1, 1], including through a pow2 range check", async () => {
    for (const opts of [over(-0.5, 1.5, "exact"), over(-1, 1)])
      await expect(checkAgainstFloat(m, [], opts)).rejects.toMatchObject({
        code: "unsupported-op",
        node: { opType: "Acos" },
        message: expect.stringContaining("outside [-1, 1] where acos is"),
      });
  });

  it("meets its documented cost and error at the default scales", async () => {
    expectDocumented("Acos", await measureActivation({ op: "Acos", f: Math.acos, range: [-1, 1] }));
  });
});

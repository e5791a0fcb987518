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

const m = singleOp({ op: "Tan", inputs: [["x", [2, 4]]], output: [2, 4] });
const over = (lo: number, hi: number, inputCheck: "pow2" | "exact" = "pow2") => ({
  ...FIXED,
  inputRange: [lo, hi] as [number, number],
  inputCheck,
});
const samples = (lo: number, hi: number, seed: number) => {
  const r = rng(seed);
  return Array.from({ length: 6 }, () => [uniform(r, 8, lo, hi)]);
};

describe("Tan", () => {
  it("inside (−π/2, π/2) and the next branch: matches onnxruntime within the proven bound; circuit = reference", {
    tags: ["heavy"],
  }, async () => {
    // pow2: the range check covers [lo, lo + 2^bits), here [-1, 0.99]
    const s = samples(-1, 0.99, 5);
    const { errorBound } = await checkAgainstFloat(m, s, over(-1, 0.99));
    expect(errorBound).toBeLessThan(2 ** -5);
    await checkCircuit(m, s.slice(0, 2), over(-1, 0.99));
    // steeper towards the poles: the bound grows with the slope
    const steep = await checkAgainstFloat(m, samples(-1.5, 1.5, 6), over(-1.5, 1.5, "exact"));
    expect(steep.errorBound).toBeLessThan(1);
    await checkAgainstFloat(m, samples(2, 4, 7), over(2, 4, "exact"));
  });

  it("rejects a range that reaches a pole, including through a pow2 range check", async () => {
    const rejects = (opts: ReturnType<typeof over>, pole: string) =>
      expect(checkAgainstFloat(m, [], opts)).rejects.toMatchObject({
        code: "unsupported-op",
        node: { opType: "Tan" },
        message: expect.stringContaining(`of ${pole} = `),
      });
    await rejects(over(-2, 1, "exact"), "-π/2");
    await rejects(over(0, 4.8, "exact"), "π/2");
    await rejects(over(2, 4.8, "exact"), "3π/2");
    // [-1, 1] is range-checked (pow2) to [-1, 3): π/2 is inside
    await rejects(over(-1, 1), "π/2");
  });

  it("meets its documented cost and error at the default scales", async () => {
    expectDocumented("Tan", await measureActivation({ op: "Tan", f: Math.tan, range: [-1.5, 1.5] }));
  });
});

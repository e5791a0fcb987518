import { describe, expect, it } from "vitest";
import { calibrated } from "../../../test/support/calibration.js";
import { checkAgainstFloat, checkCircuit, rng, singleOp, uniform } from "../../../test/support/op-check.js";
import { bitsUnsigned } from "../rounding.js";

const r = rng(17);

describe("Reciprocal", () => {
  it("of a positive input: within the proven bound, NQ + 2·NR + 1 constraints per element", {
    tags: ["heavy"],
  }, async () => {
    const m = singleOp({ op: "Reciprocal", inputs: [["x", [4]]], output: [4] });
    const s = Array.from({ length: 20 }, () => [uniform(r, 4, 0.5, 2)]);
    const { plan, errorBound } = await checkAgainstFloat(m, s, calibrated(s));
    expect(errorBound).toBeLessThan(0.05);
    const out = plan.tensors.at(-1);
    expect(out?.scale).toBe(7);
    // x ∈ [lo, lo + 2^bits) at 2^7 with lo >= 64: den = 2x, q = floor((2^15 + x) / 2x)
    const input = plan.tensors[plan.inputs[0]?.out ?? 0];
    const xl = input?.lo[0] as bigint;
    const xh = input?.hi[0] as bigint;
    const qBits = bitsUnsigned((2n ** 15n + xl) / (2n * xl) - (2n ** 15n + xh) / (2n * xh));
    const rBits = bitsUnsigned(2n * xh);
    const inBits = plan.inputs[0]?.bits ?? 0;
    expect((await checkCircuit(m, s.slice(0, 3), calibrated(s))).constraints).toBe(
      4 * (inBits + qBits + 2 * rBits + 1),
    );
  });

  it("rejects an input range containing 0", async () => {
    const m = singleOp({ op: "Reciprocal", inputs: [["x", [4]]], output: [4] });
    await expect(checkAgainstFloat(m, [])).rejects.toMatchObject({ code: "unsupported-op" });
  });
});

import { describe, expect, it } from "vitest";
import {
  checkElementwise,
  expectDocumented,
  measureActivation,
} from "../../../test/support/activation-table.js";
import { checkAgainstFloat, FIXED, rng, singleOp, uniform } from "../../../test/support/op-check.js";

describe("Exp", () => {
  it("over [-1, 1] and [-12, 3] (clamped below where cheaper): matches onnxruntime; circuit = reference", {
    tags: ["heavy"],
  }, async () => {
    // exact input checks: their bounds are the calibrated range (a pow2 range check widens it up to 2×)
    const { narrow, wide } = await checkElementwise({ op: "Exp", wide: [-12, 3], check: "exact" });
    expect(narrow.errorBound).toBeLessThan(2 ** -4);
    expect(wide.errorBound).toBeLessThan(0.2);
  });

  it("rejects an input range whose exponential is too large", async () => {
    const m = singleOp({ op: "Exp", inputs: [["x", [3]]], output: [3] });
    const opts = { ...FIXED, inputRange: [-1, 50] as [number, number] };
    await expect(checkAgainstFloat(m, [[uniform(rng(3), 3)]], opts)).rejects.toMatchObject({
      code: "unsupported-op",
      node: { opType: "Exp" },
    });
  });

  it("meets its documented cost and error at the default scales", async () => {
    expectDocumented("Exp", await measureActivation({ op: "Exp", f: Math.exp, range: [-10, 2] }));
  });
});

import { describe, expect, it } from "vitest";
import {
  checkElementwise,
  expectDocumented,
  measureActivation,
} from "../../../test/support/activation-table.js";
import { checkAgainstFloat, FIXED, singleOp } from "../../../test/support/op-check.js";

describe("Cosh", () => {
  it("over [-1, 1] and [-4, 4]: matches onnxruntime within the proven bound; circuit = reference", {
    tags: ["heavy"],
  }, async () => {
    // exact input checks: their bounds are the calibrated range (a pow2 range check widens [-4, 4] to [-4, 12))
    const { narrow, wide } = await checkElementwise({ op: "Cosh", wide: [-4, 4], check: "exact" });
    expect(narrow.errorBound).toBeLessThan(2 ** -4);
    expect(wide.errorBound).toBeLessThan(0.5);
  });

  it("rejects an input range whose values are too large to approximate", async () => {
    const m = singleOp({ op: "Cosh", inputs: [["x", [3]]], output: [3] });
    const opts = { ...FIXED, inputRange: [-50, 50] as [number, number] };
    await expect(checkAgainstFloat(m, [], opts)).rejects.toMatchObject({
      code: "unsupported-op",
      node: { opType: "Cosh" },
      message: expect.stringMatching(
        /within the range its inputs are checked to; cosh\([0-9.]+\) is too large to approximate/,
      ),
    });
  });

  it("meets its documented cost and error at the default scales", async () => {
    expectDocumented("Cosh", await measureActivation({ op: "Cosh", f: Math.cosh, range: [-5, 5] }));
  });
});

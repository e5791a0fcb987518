import { describe, expect, it } from "vitest";
import {
  checkElementwise,
  expectDocumented,
  measureActivation,
} from "../../../test/support/activation-table.js";
import { checkAgainstFloat, FIXED, singleOp } from "../../../test/support/op-check.js";

describe("Sin", () => {
  it("over [-1, 1] and [-12, 12]: matches onnxruntime within the proven bound; circuit = reference", {
    tags: ["heavy"],
  }, async () => {
    const { narrow, wide } = await checkElementwise({ op: "Sin", wide: [-12, 12] });
    expect(narrow.errorBound).toBeLessThan(2 ** -5);
    expect(wide.errorBound).toBeLessThan(2 ** -5);
  });

  it("rejects an input range too wide for one polynomial", async () => {
    const m = singleOp({ op: "Sin", inputs: [["x", [3]]], output: [3] });
    const opts = { ...FIXED, inputRange: [-100, 100] as [number, number] };
    await expect(checkAgainstFloat(m, [], opts)).rejects.toMatchObject({
      code: "unsupported-op",
      node: { opType: "Sin" },
      message: expect.stringMatching(/needs 15 bits at scale 2\^7; Sin fits at most 14/),
    });
  });

  it("meets its documented cost and error at the default scales", async () => {
    expectDocumented("Sin", await measureActivation({ op: "Sin", f: Math.sin, range: [-10, 10] }));
  });
});

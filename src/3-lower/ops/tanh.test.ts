import { describe, expect, it } from "vitest";
import {
  checkElementwise,
  expectDocumented,
  measureActivation,
} from "../../../test/support/activation-table.js";

describe("Tanh", () => {
  it("matches onnxruntime within the proven bound (clamped or whole-range polynomial); circuit = reference", {
    tags: ["heavy"],
  }, async () => {
    const { narrow, wide } = await checkElementwise({ op: "Tanh" });
    expect(narrow.errorBound).toBeLessThan(2 ** -5);
    expect(wide.errorBound).toBeLessThan(2 ** -5);
    expect(wide.plan.nodes[0]?.prims.some((p) => p.kind === "poly")).toBe(true);
  });

  it("meets its documented cost and error at the default scales", async () => {
    expectDocumented("Tanh", await measureActivation({ op: "Tanh", f: Math.tanh, range: [-10, 10] }));
  });
});

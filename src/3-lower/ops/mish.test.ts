import { describe, expect, it } from "vitest";
import {
  checkElementwise,
  expectDocumented,
  measureActivation,
} from "../../../test/support/activation-table.js";
import { mishF } from "./mish.js";

describe("Mish", () => {
  it("max(x, 0) + a polynomial with a segment boundary at 0: matches onnxruntime; circuit = reference", {
    tags: ["heavy"],
  }, async () => {
    const { narrow, wide } = await checkElementwise({ op: "Mish", opset: 18, wide: [-20, 20] });
    expect(narrow.errorBound).toBeLessThan(2 ** -5);
    expect(wide.errorBound).toBeLessThan(2 ** -5);
    // 0 falls on a segment boundary of the polynomial (the kink of mish − relu)
    const poly = wide.plan.nodes[0]?.prims.find((p) => p.kind === "poly");
    expect(poly?.kind === "poly" && -poly.lo % (1n << BigInt(poly.offBits))).toBe(0n);
  });

  it("meets its documented cost and error at the default scales", async () => {
    expectDocumented("Mish", await measureActivation({ op: "Mish", f: mishF, range: [-10, 10], opset: 18 }));
  });
});

import { describe, expect, it } from "vitest";
import {
  checkElementwise,
  expectDocumented,
  measureActivation,
} from "../../../test/support/activation-table.js";
import { erf, erfc } from "./erf.js";

describe("Erf", () => {
  it("the float64 reference erf/erfc is accurate (known values)", () => {
    expect(erf(0.5)).toBeCloseTo(0.5204998778130465, 14);
    expect(erf(-1.5)).toBeCloseTo(-0.9661051464753108, 14);
    expect(erf(3)).toBeCloseTo(0.9999779095030014, 14);
    expect(erfc(3) / 2.209049699858544e-5).toBeCloseTo(1, 12);
    expect(erfc(6) / 2.151973671249892e-17).toBeCloseTo(1, 10);
  });

  it("matches onnxruntime within the proven bound; circuit = reference", { tags: ["heavy"] }, async () => {
    const { narrow, wide } = await checkElementwise({ op: "Erf" });
    expect(narrow.errorBound).toBeLessThan(2 ** -5);
    expect(wide.errorBound).toBeLessThan(2 ** -5);
  });

  it("meets its documented cost and error at the default scales", async () => {
    expectDocumented("Erf", await measureActivation({ op: "Erf", f: erf, range: [-10, 10] }));
  });
});

import { describe, expect, it } from "vitest";
import {
  checkElementwise,
  expectDocumented,
  measureActivation,
} from "../../../test/support/activation-table.js";
import { softplusF } from "./softplus.js";

describe("Softplus", () => {
  it("max(x, 0) + a polynomial of log(1 + e^-|x|): matches onnxruntime; circuit = reference", {
    tags: ["heavy"],
  }, async () => {
    const { narrow, wide } = await checkElementwise({ op: "Softplus", wide: [-30, 30] });
    expect(narrow.errorBound).toBeLessThan(2 ** -5);
    // exact linear growth on the right: the error does not grow with the input
    expect(wide.errorBound).toBeLessThan(2 ** -5);
  });

  it("meets its documented cost and error at the default scales", async () => {
    expectDocumented("Softplus", await measureActivation({ op: "Softplus", f: softplusF, range: [-10, 10] }));
  });
});

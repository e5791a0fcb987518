import { describe, expect, it } from "vitest";
import {
  checkElementwise,
  expectDocumented,
  measureActivation,
} from "../../../test/support/activation-table.js";
import { checkAgainstFloat, rng, singleOp, uniform } from "../../../test/support/op-check.js";

describe("Softsign", () => {
  it("is exact up to the output rounding (one division): matches onnxruntime; circuit = reference", {
    tags: ["heavy"],
  }, async () => {
    const { narrow, wide } = await checkElementwise({ op: "Softsign", wide: [-100, 100] });
    expect(narrow.plan.nodes[0]?.prims.some((p) => p.kind === "div")).toBe(true);
    expect(narrow.plan.nodes[0]?.prims.some((p) => p.kind === "poly")).toBe(false);
    // the input's quantization (2^-8) and the output rounding (2^-8), nothing more
    expect(wide.errorBound).toBeLessThanOrEqual(2 ** -7 + 1e-12);
  });

  it("on a 3-D input", async () => {
    const r = rng(3);
    const m = singleOp({ op: "Softsign", inputs: [["x", [2, 3, 2]]], output: [2, 3, 2] });
    await checkAgainstFloat(m, [[uniform(r, 12)], [uniform(r, 12)]]);
  });

  it("meets its documented cost and error at the default scales", async () => {
    const f = (x: number) => x / (1 + Math.abs(x));
    expectDocumented("Softsign", await measureActivation({ op: "Softsign", f, range: [-10, 10] }));
  });
});

import { describe, expect, it } from "vitest";
import {
  checkElementwise,
  expectDocumented,
  measureActivation,
} from "../../../test/support/activation-table.js";
import { checkAgainstFloat, rng, singleOp, uniform } from "../../../test/support/op-check.js";
import { attr } from "../../1-decode/onnx-builder.js";

describe("Celu", () => {
  it("alpha = 1 (default) and alpha = 2: max(x, 0) + a polynomial of alpha·(e^(min(x,0)/alpha) − 1)", {
    tags: ["heavy"],
  }, async () => {
    const d = await checkElementwise({ op: "Celu", opset: 12 });
    expect(d.wide.errorBound).toBeLessThan(2 ** -5);
    await checkElementwise({ op: "Celu", attrs: { alpha: attr.float(2) }, seed: 11 });
  });

  it("rejects alpha <= 0", async () => {
    const m = singleOp({ op: "Celu", inputs: [["x", [3]]], output: [3], attrs: { alpha: attr.float(0) } });
    await expect(checkAgainstFloat(m, [[uniform(rng(2), 3)]])).rejects.toMatchObject({
      code: "bad-attribute",
    });
  });

  it("meets its documented cost and error at the default scales", async () => {
    const f = (x: number) => Math.max(x, 0) + Math.min(0, Math.expm1(x));
    expectDocumented("Celu", await measureActivation({ op: "Celu", f, range: [-10, 10] }));
  });
});

import { describe, expect, it } from "vitest";
import {
  checkElementwise,
  expectDocumented,
  measureActivation,
} from "../../../test/support/activation-table.js";
import { attr } from "../../1-decode/onnx-builder.js";

describe("Elu", () => {
  it("alpha = 1 (default) and alpha = 2: max(x, 0) + a polynomial of alpha·(e^min(x,0) − 1)", {
    tags: ["heavy"],
  }, async () => {
    const d = await checkElementwise({ op: "Elu", opset: 6 });
    expect(d.wide.errorBound).toBeLessThan(2 ** -5);
    const two = await checkElementwise({ op: "Elu", attrs: { alpha: attr.float(2) }, seed: 3 });
    expect(two.wide.errorBound).toBeLessThan(2 ** -4);
  });

  it("alpha = 0 is a ReLU (no polynomial), a negative alpha is honored", { tags: ["heavy"] }, async () => {
    const z = await checkElementwise({ op: "Elu", attrs: { alpha: attr.float(0) } });
    expect(z.wide.plan.nodes[0]?.prims.some((p) => p.kind === "poly")).toBe(false);
    await checkElementwise({ op: "Elu", attrs: { alpha: attr.float(-0.5) } });
  });

  it("meets its documented cost and error at the default scales", async () => {
    const f = (x: number) => (x >= 0 ? x : Math.expm1(x));
    expectDocumented("Elu", await measureActivation({ op: "Elu", f, range: [-10, 10] }));
  });
});

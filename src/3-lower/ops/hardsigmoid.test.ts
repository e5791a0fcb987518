import { describe, expect, it } from "vitest";
import {
  checkElementwise,
  expectDocumented,
  measureActivation,
} from "../../../test/support/activation-table.js";
import { attr } from "../../1-decode/onnx-builder.js";

describe("HardSigmoid", () => {
  it("defaults (0.2, 0.5) and alpha = 0.5, beta = 0.6: two ReLUs, exact up to rounding", {
    tags: ["heavy"],
  }, async () => {
    const d = await checkElementwise({ op: "HardSigmoid", opset: 6 });
    expect(d.wide.plan.nodes[0]?.prims.filter((p) => p.kind === "rescale")).toHaveLength(2);
    expect(d.wide.errorBound).toBeLessThan(0.1);
    await checkElementwise({
      op: "HardSigmoid",
      attrs: { alpha: attr.float(0.5), beta: attr.float(0.6) },
      seed: 2,
    });
  });

  it("a side the bounds rule out is skipped (inputs in [-1, 1] never reach 0 or 1)", {
    tags: ["heavy"],
  }, async () => {
    const { narrow } = await checkElementwise({ op: "HardSigmoid", check: "exact" });
    expect(narrow.plan.nodes[0]?.prims.map((p) => p.kind)).toEqual(["affine", "rescale"]);
  });

  it("meets its documented cost and error at the default scales", async () => {
    const f = (x: number) => Math.max(0, Math.min(1, 0.2 * x + 0.5));
    expectDocumented("HardSigmoid", await measureActivation({ op: "HardSigmoid", f, range: [-10, 10] }));
  });
});

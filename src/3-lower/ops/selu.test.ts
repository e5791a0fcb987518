import { describe, expect, it } from "vitest";
import {
  checkElementwise,
  expectDocumented,
  measureActivation,
} from "../../../test/support/activation-table.js";
import { attr } from "../../1-decode/onnx-builder.js";

const ALPHA = Math.fround(1.6732632423543772);
const GAMMA = Math.fround(1.0507009873554805);

describe("Selu", () => {
  it("default alpha/gamma, and alpha = 2, gamma = 3: gamma·max(x, 0) + a polynomial", {
    tags: ["heavy"],
  }, async () => {
    const d = await checkElementwise({ op: "Selu", opset: 6 });
    expect(d.wide.errorBound).toBeLessThan(0.15);
    await checkElementwise({ op: "Selu", attrs: { alpha: attr.float(2), gamma: attr.float(3) }, seed: 5 });
  });

  it("meets its documented cost and error at the default scales", async () => {
    const f = (x: number) => GAMMA * (x >= 0 ? x : ALPHA * Math.expm1(x));
    expectDocumented("Selu", await measureActivation({ op: "Selu", f, range: [-10, 10] }));
  });
});

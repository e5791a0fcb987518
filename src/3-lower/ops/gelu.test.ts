import { describe, expect, it } from "vitest";
import {
  checkElementwise,
  expectDocumented,
  measureActivation,
} from "../../../test/support/activation-table.js";
import { checkAgainstFloat, rng, singleOp, uniform } from "../../../test/support/op-check.js";
import { geluF } from "./gelu.js";

describe("Gelu", () => {
  it('approximate = "none" (default): max(x, 0) + a polynomial of gelu(−|x|); circuit = reference', {
    tags: ["heavy"],
  }, async () => {
    const { narrow, wide } = await checkElementwise({ op: "Gelu", opset: 20 });
    expect(narrow.errorBound).toBeLessThan(2 ** -5);
    expect(wide.errorBound).toBeLessThan(2 ** -5);
  });

  it('approximate = "tanh"', { tags: ["heavy"] }, async () => {
    const { wide } = await checkElementwise({
      op: "Gelu",
      opset: 20,
      attrs: { approximate: "tanh" },
      seed: 9,
    });
    expect(wide.errorBound).toBeLessThan(2 ** -5);
  });

  it("the float64 reference: symmetric tail, known values", () => {
    expect(geluF(1)).toBeCloseTo(0.8413447460685429, 14);
    expect(geluF(-1)).toBeCloseTo(-0.15865525393145707, 14);
    expect(geluF(1, "tanh")).toBeCloseTo(0.8411919906082768, 14);
    expect(geluF(-8)).toBeCloseTo(-8 * 6.22096057427178e-16, 25);
  });

  it("rejects an unknown approximate", async () => {
    const m = singleOp({
      op: "Gelu",
      inputs: [["x", [4]]],
      output: [4],
      opset: 20,
      attrs: { approximate: "erf" },
    });
    await expect(checkAgainstFloat(m, [[uniform(rng(1), 4)]])).rejects.toMatchObject({
      code: "bad-attribute",
      node: { opType: "Gelu" },
    });
  });

  it("meets its documented cost and error at the default scales", async () => {
    const m = await measureActivation({ op: "Gelu", f: (x) => geluF(x), range: [-10, 10], opset: 20 });
    expectDocumented("Gelu", m);
    const t = await measureActivation({
      op: "Gelu",
      f: (x) => geluF(x, "tanh"),
      range: [-10, 10],
      opset: 20,
      attrs: { approximate: "tanh" },
    });
    expectDocumented("Gelu tanh", t);
  });
});

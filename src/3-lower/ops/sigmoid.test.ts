import { describe, expect, it } from "vitest";
import {
  checkElementwise,
  expectDocumented,
  measureActivation,
} from "../../../test/support/activation-table.js";
import { sigmoidF } from "./sigmoid.js";

describe("Sigmoid", () => {
  it("over a range the polynomial covers: no clamping; matches onnxruntime; circuit = reference", {
    tags: ["heavy"],
  }, async () => {
    const { narrow, wide } = await checkElementwise({ op: "Sigmoid", wide: [-12, 12] });
    expect(narrow.errorBound).toBeLessThan(2 ** -6);
    const kinds = wide.plan.nodes[0]?.prims.map((p) => p.kind);
    expect(kinds).toEqual(["poly", "rescale"]);
  });

  it("beyond what one decomposition covers: clamped to the domain (a Max2 per side) first", {
    tags: ["heavy"],
  }, async () => {
    const { wide } = await checkElementwise({ op: "Sigmoid", wide: [-100, 100] });
    const kinds = wide.plan.nodes[0]?.prims.map((p) => p.kind) ?? [];
    expect(kinds.filter((k) => k === "max")).toHaveLength(2);
    expect(kinds.slice(-2)).toEqual(["poly", "rescale"]);
    expect(wide.errorBound).toBeLessThan(2 ** -6);
  });

  it("meets its documented cost and error at the default scales", async () => {
    expectDocumented("Sigmoid", await measureActivation({ op: "Sigmoid", f: sigmoidF, range: [-10, 10] }));
  });
});

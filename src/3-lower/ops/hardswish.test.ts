import { describe, expect, it } from "vitest";
import {
  checkElementwise,
  expectDocumented,
  measureActivation,
} from "../../../test/support/activation-table.js";

describe("HardSwish", () => {
  it("x · HardSigmoid(x) (1/6, 1/2): two ReLUs and one product; circuit = reference", {
    tags: ["heavy"],
  }, async () => {
    const { wide } = await checkElementwise({ op: "HardSwish", opset: 14 });
    expect(wide.plan.nodes[0]?.prims.filter((p) => p.kind === "mul")).toHaveLength(1);
    expect(wide.maxError).toBeLessThan(0.05);
  });

  it("meets its documented cost and error at the default scales", async () => {
    const f = (x: number) => x * Math.max(0, Math.min(1, x / 6 + 0.5));
    expectDocumented(
      "HardSwish",
      await measureActivation({ op: "HardSwish", f, range: [-10, 10], opset: 14 }),
    );
  });
});

import { describe, expect, it } from "vitest";
import { checkAgainstFloat, rng, singleOp, uniform } from "../../../test/support/op-check.js";

describe("Identity", () => {
  it("passes its input through at no cost", async () => {
    const m = singleOp({ op: "Identity", inputs: [["x", [3]]], output: [3] });
    const { plan, maxError } = await checkAgainstFloat(m, [[uniform(rng(7), 3)]]);
    expect(plan.nodes[0]?.prims).toEqual([]);
    expect(maxError).toBeLessThanOrEqual(2 ** -8);
  });
});

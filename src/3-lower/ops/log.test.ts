import { describe, expect, it } from "vitest";
import { expectDocumented, measureActivation } from "../../../test/support/activation-table.js";
import {
  checkAgainstFloat,
  checkCircuit,
  FIXED,
  rng,
  singleOp,
  uniform,
} from "../../../test/support/op-check.js";

describe("Log", () => {
  it("on an input proven positive: matches onnxruntime within the proven bound; circuit = reference", {
    tags: ["heavy"],
  }, async () => {
    const r = rng(8);
    const m = singleOp({ op: "Log", inputs: [["x", [2, 4]]], output: [2, 4] });
    const opts = { ...FIXED, inputRange: [0.5, 8] as [number, number] };
    const samples = Array.from({ length: 6 }, () => [uniform(r, 8, 0.5, 8)]);
    const { errorBound } = await checkAgainstFloat(m, samples, opts);
    expect(errorBound).toBeLessThan(2 ** -4);
    await checkCircuit(m, samples.slice(0, 2), opts);
  });

  it("rejects an input that can be zero or negative", async () => {
    const m = singleOp({ op: "Log", inputs: [["x", [3]]], output: [3] });
    await expect(checkAgainstFloat(m, [[uniform(rng(3), 3)]])).rejects.toMatchObject({
      code: "unsupported-op",
      node: { opType: "Log" },
    });
  });

  it("meets its documented cost and error at the default scales", async () => {
    expectDocumented("Log", await measureActivation({ op: "Log", f: Math.log, range: [0.25, 16] }));
  });
});

import { describe, expect, it } from "vitest";
import { checkAgainstFloat, checkCircuit, rng, singleOp, uniform } from "../../../test/support/op-check.js";
import { attr, DataType } from "../../1-decode/onnx-builder.js";

const r = rng(21);

function castModel(to: number, range = [-3, 3], outputType = to) {
  const bytes = singleOp({
    op: "Cast",
    inputs: [["x", [2, 4]]],
    attrs: { to: attr.int(to) },
    output: [2, 4],
    outputType,
  });
  const samples = Array.from({ length: 8 }, () => [uniform(r, 8, range[0], range[1])]);
  return { bytes, samples, opts: { inputRange: range as [number, number], inputScale: 7, paramScale: 7 } };
}

describe("Cast", () => {
  it("to float is free and keeps the fixed-point value", async () => {
    const { bytes, samples, opts } = castModel(DataType.DOUBLE);
    const { plan } = await checkAgainstFloat(bytes, samples, opts);
    expect(plan.nodes[0]?.prims).toEqual([]);
  });

  it.each([
    ["mixed signs", [-3, 3]],
    ["non-negative", [0, 3]],
    ["non-positive", [-3, 0]],
  ])("to int64 truncates toward zero exactly (%s)", { tags: ["heavy"] }, async (_, range) => {
    const { bytes, samples, opts } = castModel(DataType.INT64, range as number[]);
    // Values on integers and halves too, where truncation differs from rounding.
    samples.push([
      Float64Array.from(
        [-2.5, -2, -0.5, 0, 0.5, 1, 2.5, 2.99].map((v) =>
          Math.min(Math.max(v, range[0] as number), range[1] as number),
        ),
      ),
    ]);
    const { maxError } = await checkAgainstFloat(bytes, samples, opts);
    expect(maxError).toBeLessThanOrEqual(1);
    await checkCircuit(bytes, samples.slice(-2), opts);
  });

  it("to bool is [x != 0]", { tags: ["heavy"] }, async () => {
    const { bytes, opts } = castModel(DataType.BOOL);
    await checkCircuit(bytes, [[Float64Array.from([0, 1, -1, 0.5, 0, -2, 0, 3])]], opts);
  });

  it("refuses a cast that would wrap and an unknown type", async () => {
    const { bytes, opts } = castModel(DataType.INT8, [-300, 300]);
    await expect(checkAgainstFloat(bytes, [], opts)).rejects.toMatchObject({ code: "unsupported-op" });
    const bad = castModel(8, [-3, 3], DataType.FLOAT); // string
    await expect(checkAgainstFloat(bad.bytes, [], bad.opts)).rejects.toMatchObject({ code: "bad-attribute" });
  });
});

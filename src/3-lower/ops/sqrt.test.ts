import { describe, expect, it } from "vitest";
import {
  checkAgainstFloat,
  checkCircuit,
  FIXED,
  rng,
  singleOp,
  uniform,
} from "../../../test/support/op-check.js";
import { buildModel, DataType, node, tensorProto, valueInfo } from "../../1-decode/onnx-builder.js";
import { bitsUnsigned } from "../rounding.js";

const r = rng(18);
const POS = { ...FIXED, inputRange: [0, 1] as [number, number] };

describe("Sqrt", () => {
  it("of a non-negative input: floor sqrt at the working scale, within the proven bound", {
    tags: ["heavy"],
  }, async () => {
    const m = singleOp({ op: "Sqrt", inputs: [["x", [6]]], output: [6] });
    const s = Array.from({ length: 20 }, () => [uniform(r, 6, 0, 1)]);
    const { plan, errorBound, maxError } = await checkAgainstFloat(m, s, POS);
    expect(plan.tensors.at(-1)?.scale).toBe(7);
    expect(maxError).toBeLessThanOrEqual(errorBound);
    // x ∈ [0, 255] at 2^7 is multiplied by 2^7: NX = bits(255·128) = 15, no range check on s: 2·15 + 1
    const nx = bitsUnsigned(255n * 128n);
    expect((await checkCircuit(m, s.slice(0, 2), POS)).constraints).toBe(6 * (8 + 2 * nx + 1));
  });

  it("after a product (scale 2·ws) needs no scaling: sqrt(x·x) = |x|, and a negative range is refused", async () => {
    const m = buildModel({
      nodes: [node("Mul", ["x", "x"], ["h"], {}, "sq"), node("Sqrt", ["h"], ["y"], {}, "root")],
      inputs: [valueInfo("x", DataType.FLOAT, [4])],
      outputs: [valueInfo("y", DataType.FLOAT, [4])],
    });
    const s = Array.from({ length: 10 }, () => [uniform(r, 4)]);
    const { plan } = await checkAgainstFloat(m, s);
    expect(plan.tensors.at(-1)?.scale).toBe(7);
    const neg = singleOp({ op: "Sqrt", inputs: [["x", [4]]], output: [4] });
    await expect(checkAgainstFloat(neg, [])).rejects.toThrow(/square root can be negative/);
  });

  it("takes inputs at any scale: after x·0.5 (scale 8) and after x·W (scale 14)", async () => {
    for (const [w, scale] of [
      [[0.5], 8],
      [[0.3], 14],
    ] as const) {
      const m = buildModel({
        nodes: [node("Mul", ["x", "w"], ["h"], {}, "scale"), node("Sqrt", ["h"], ["y"], {}, "root")],
        initializers: [tensorProto("w", [1], [...w])],
        inputs: [valueInfo("x", DataType.FLOAT, [4])],
        outputs: [valueInfo("y", DataType.FLOAT, [4])],
      });
      const s = Array.from({ length: 10 }, () => [uniform(r, 4, 0, 1)]);
      const { plan } = await checkAgainstFloat(m, s, POS);
      expect(plan.tensors.find((t) => t.onnxName === "h")?.scale).toBe(scale);
      expect(plan.tensors.at(-1)?.scale).toBe(7);
    }
  });
});

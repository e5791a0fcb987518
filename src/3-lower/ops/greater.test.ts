import { describe, expect, it } from "vitest";
import { witnessMutations } from "../../../test/support/mutations.js";
import { checkAgainstFloat, checkCircuit, FIXED, rng } from "../../../test/support/op-check.js";
import { exactOutputs, typedModel } from "../../../test/support/typed-model.js";
import { buildModel, DataType, node, valueInfo } from "../../1-decode/onnx-builder.js";

const r = rng(51);
const B = DataType.BOOL;
const F = DataType.FLOAT;
/** Values on the 2^-7 grid near 0.3 (38.4/128) and elsewhere, so ties and the threshold are hit exactly. */
const grid = (n: number) =>
  Float64Array.from(
    { length: n },
    () => (r() < 0.5 ? 37 + Math.floor(r() * 4) : Math.floor(r() * 16) - 8) / 128,
  );

describe("Greater", () => {
  it("of two broadcast signals: [a − b − 1 >= 0], 10 bits per element, exact on the grid; witness pinned", {
    tags: ["heavy"],
  }, async () => {
    const m = typedModel({
      op: "Greater",
      inputs: [
        ["a", [2, 3]],
        ["b", [3]],
      ],
      outputs: [B],
    });
    const s = Array.from({ length: 10 }, () => [grid(6), grid(3)]);
    s[0]?.[1]?.set([s[0]?.[0]?.[0] ?? 0, s[0]?.[0]?.[4] ?? 0, 1 / 128]); // ties a = b
    const { circuit, float } = await exactOutputs(m, s);
    expect(circuit).toEqual(float);
    await checkAgainstFloat(m, s);
    // a − b − 1 ∈ [-512, 510]: 10 bits; inputs 9 bits each
    expect((await checkCircuit(m, s.slice(0, 2))).constraints).toBe(6 * 10 + 9 * 9);
    expect(await witnessMutations(m, s.slice(0, 1))).toEqual([]);
  });

  it("with an off-grid constant on either side: exact (⌊c·2^7⌋ + 1 and ⌈c·2^7⌉ − 1)", async () => {
    for (const nodeInputs of [
      ["x", "c"],
      ["c", "x"],
    ]) {
      const m = typedModel({
        op: "Greater",
        inputs: [["x", [2, 4]]],
        consts: [["c", [4], [0.3, -0.01, 0.3, 0], F]],
        nodeInputs,
        outputs: [B],
      });
      const s = Array.from({ length: 10 }, () => [grid(8)]);
      const { circuit, float } = await exactOutputs(m, s);
      expect(circuit, nodeInputs.join(" > ")).toEqual(float);
      const { plan } = await checkAgainstFloat(m, s);
      // the comparison is exact, so only the input error makes the bound 1
      expect(plan.tensors.at(-1)?.err[0]).toBe(1);
    }
  });

  it("aligns scales (x² at 2^14 vs x at 2^7) and compares integer inputs at scale 0 exactly", async () => {
    const m = buildModel({
      nodes: [node("Mul", ["x", "x"], ["x2"], {}, "sq"), node("Greater", ["x2", "x"], ["y"], {}, "gt")],
      inputs: [valueInfo("x", F, [6])],
      outputs: [valueInfo("y", B)],
    });
    const s = [[Float64Array.of(0, 1, -1, 0.5, 1 / 128, -0.25)], [grid(6)]];
    const { circuit, float } = await exactOutputs(m, s);
    expect(circuit).toEqual(float);
    const ints = typedModel({
      op: "Greater",
      inputs: [["a", [4], DataType.INT64]],
      consts: [["b", [1], [0]]],
      outputs: [B],
    });
    const { plan } = await checkAgainstFloat(ints, [[Float64Array.of(-1, 0, 1, 1)]], {
      ...FIXED,
      inputRange: [-3, 3],
    });
    expect(plan.tensors.at(-1)?.err).toEqual(new Float64Array(4));
  });

  it("rejects shapes that do not broadcast and non-finite constants", async () => {
    const bad = typedModel({
      op: "Greater",
      inputs: [
        ["a", [3]],
        ["b", [4]],
      ],
      outputs: [B],
    });
    await expect(checkAgainstFloat(bad, [])).rejects.toMatchObject({ code: "bad-shape" });
    const inf = typedModel({
      op: "Greater",
      inputs: [["a", [3]]],
      consts: [["c", [1], [Number.POSITIVE_INFINITY], F]],
      outputs: [B],
    });
    await expect(checkAgainstFloat(inf, [])).rejects.toMatchObject({ code: "non-finite" });
  });
});

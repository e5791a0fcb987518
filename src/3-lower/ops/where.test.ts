import { describe, expect, it } from "vitest";
import { witnessMutations } from "../../../test/support/mutations.js";
import { checkAgainstFloat, checkCircuit, FIXED, rng } from "../../../test/support/op-check.js";
import { exactOutputs, typedModel } from "../../../test/support/typed-model.js";
import { buildModel, DataType, node, tensorProto, valueInfo } from "../../1-decode/onnx-builder.js";

const r = rng(71);
const B = DataType.BOOL;
const F = DataType.FLOAT;
const UNIT = { ...FIXED, inputRange: [0, 1] as [number, number] };
const bits = (n: number) => Float64Array.from({ length: n }, () => (r() < 0.5 ? 1 : 0));
const grid = (n: number) => Float64Array.from({ length: n }, () => Math.floor(r() * 128) / 128);

describe("Where", () => {
  it("with a bool signal condition: one product c·(x − y) per element, exact; witness pinned", {
    tags: ["heavy"],
  }, async () => {
    const m = typedModel({
      op: "Where",
      inputs: [
        ["c", [2, 3], B],
        ["a", [2, 3]],
        ["b", [3]],
      ],
      outputs: [F],
    });
    const s = Array.from({ length: 8 }, () => [bits(6), grid(6), grid(3)]);
    const { circuit, float } = await exactOutputs(m, s, UNIT);
    expect(circuit).toEqual(float);
    const { plan, errorBound } = await checkAgainstFloat(m, s, UNIT);
    expect(errorBound).toBe(2 ** -8);
    const out = plan.tensors.at(-1);
    expect([out?.lo[0], out?.hi[0]]).toEqual([0n, 255n]); // within x's and y's range-checked bounds
    // inputs: 1 bit for c, 8 bits for [0, 1] at 2^7; one product per output
    expect((await checkCircuit(m, s.slice(0, 2), UNIT)).constraints).toBe(6 + 9 * 8 + 6);
    expect(await witnessMutations(m, s.slice(0, 1), UNIT)).toEqual([]);
  });

  it("on a comparison with a constant branch, and x at a finer scale than y (aligned)", async () => {
    const m = buildModel({
      nodes: [
        node("Greater", ["x", "zero"], ["p"], {}, "gt"),
        node("Mul", ["x", "x"], ["x2"], {}, "sq"),
        node("Where", ["p", "x2", "x"], ["w"], {}, "where"),
        node("Where", ["p", "w", "k"], ["y"], {}, "where2"),
      ],
      initializers: [tensorProto("zero", [], [0]), tensorProto("k", [], [-0.5])],
      inputs: [valueInfo("x", F, [6])],
      outputs: [valueInfo("y", F)],
    });
    const s = [[Float64Array.of(-1, -1 / 128, 0, 1 / 128, 0.5, 127 / 128)], [grid(6)]];
    const { circuit, float } = await exactOutputs(m, s);
    expect(circuit).toEqual(float);
    const { plan } = await checkAgainstFloat(m, s);
    expect(plan.tensors.at(-1)?.scale).toBe(14);
  });

  it("a constant condition selects for free; constant branches make the output affine in c (free)", {
    tags: ["heavy"],
  }, async () => {
    const sel = buildModel({
      nodes: [node("Where", ["c", "x", "y"], ["o"], {}, "w")],
      initializers: [tensorProto("c", [3], [1, 0, 1], "raw", B)],
      inputs: [valueInfo("x", F, [2, 3]), valueInfo("y", F, [2, 1])],
      outputs: [valueInfo("o", F)],
    });
    const s = [[grid(6), grid(2)]];
    const a = await exactOutputs(sel, s);
    expect(a.circuit).toEqual(a.float);
    expect((await checkAgainstFloat(sel, s)).plan.nodes.at(-1)?.prims.map((p) => p.kind)).toEqual(["affine"]);
    // attention-mask style: Where(mask, 0, -1000)
    const mask = buildModel({
      nodes: [node("Where", ["c", "zero", "neg"], ["o"], {}, "w")],
      initializers: [tensorProto("zero", [], [0]), tensorProto("neg", [], [-1000])],
      inputs: [valueInfo("c", B, [4])],
      outputs: [valueInfo("o", F)],
    });
    const t = [[Float64Array.of(1, 0, 0, 1)]];
    const b = await exactOutputs(mask, t, UNIT);
    expect(b.circuit).toEqual(b.float);
    const { plan } = await checkAgainstFloat(mask, t, UNIT);
    expect(plan.nodes.at(-1)?.prims.map((p) => p.kind)).toEqual(["affine"]);
    expect(plan.tensors.at(-1)?.scale).toBe(0);
    expect((await checkCircuit(mask, t, UNIT)).constraints).toBe(4);
  });

  it("takes a bool input as 0/1 whatever the calibrated range, and rejects shapes that do not broadcast", async () => {
    const m = typedModel({
      op: "Where",
      inputs: [
        ["c", [3], B],
        ["a", [3]],
        ["b", [3]],
      ],
      outputs: [F],
    });
    // The default range [-1, 1] does not apply to a bool input: it is always [0, 1].
    const { plan } = await checkAgainstFloat(m, [
      [Float64Array.of(1, 0, 1), Float64Array.of(0.5, -0.5, 0.25), Float64Array.of(-1, 1, 0)],
    ]);
    expect(plan.tensors[plan.inputs[0]?.out ?? -1]?.hi[0]).toBe(1n);
    const bad = typedModel({
      op: "Where",
      inputs: [
        ["c", [3], B],
        ["a", [4]],
        ["b", [3]],
      ],
      outputs: [F],
    });
    await expect(checkAgainstFloat(bad, [], UNIT)).rejects.toMatchObject({ code: "bad-shape" });
  });
});

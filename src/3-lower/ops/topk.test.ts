import { describe, expect, it } from "vitest";
import { witnessMutations } from "../../../test/support/mutations.js";
import {
  checkAgainstFloat,
  checkCircuit,
  FIXED,
  readUnchecked,
  rng,
  uniform,
  writeTempModel,
} from "../../../test/support/op-check.js";
import { exactOutputs, typedModel } from "../../../test/support/typed-model.js";
import { attr, buildModel, DataType, node, tensorProto, valueInfo } from "../../1-decode/onnx-builder.js";
import { planModel } from "../../steps/compile.js";

const r = rng(81);
const F = DataType.FLOAT;
const I64 = DataType.INT64;
/** Few levels on the 2^-7 grid: frequent ties, exact quantization. */
const grid = (n: number) => Float64Array.from({ length: n }, () => (Math.floor(r() * 5) - 2) / 8);

describe("TopK", () => {
  it("values and indices (K input): sorted, ties to the lower index, exact; cost and pinned witness", {
    tags: ["heavy"],
  }, async () => {
    const m = typedModel({
      op: "TopK",
      inputs: [["x", [3, 5]]],
      consts: [["K", [1], [3]]],
      outputs: [F, I64],
    });
    const s = Array.from({ length: 10 }, (_, t) => [t === 0 ? new Float64Array(15).fill(0.25) : grid(15)]);
    const { circuit, float } = await exactOutputs(m, s);
    expect(circuit).toEqual(float);
    const { plan } = await checkAgainstFloat(m, [...s, [uniform(r, 15)]]);
    expect(plan.outputs.map((o) => o.shape)).toEqual([
      [3, 3],
      [3, 3],
    ]);
    // keys x·16 + (7 − t) ∈ [-2048, 6135]: differences need 14 bits, so each Max2 is 15; 4 + 3 + 2 per row;
    // three rescales by 2^4 of 14-bit keys (16 each) per row
    expect((await checkCircuit(m, s.slice(0, 2))).constraints).toBe(15 * 9 + 3 * (9 * 15 + 3 * 16));
    expect(await witnessMutations(m, s.slice(1, 2))).toEqual([]);
  });

  it("smallest along axis 0 and k = n (every element sorted)", async () => {
    const m = typedModel({
      op: "TopK",
      inputs: [["x", [4, 2]]],
      consts: [["K", [1], [4]]],
      attrs: { axis: attr.int(0), largest: attr.int(0) },
      outputs: [F, I64],
    });
    const s = Array.from({ length: 10 }, () => [grid(8)]);
    const { circuit, float } = await exactOutputs(m, s);
    expect(circuit).toEqual(float);
  });

  it("the k attribute (opset 9), middle axis", async () => {
    const m = typedModel({
      op: "TopK",
      inputs: [["x", [2, 4, 2]]],
      attrs: { k: attr.int(2), axis: attr.int(1) },
      outputs: [F, I64],
      opset: 9,
    });
    const s = Array.from({ length: 8 }, () => [grid(16)]);
    const { circuit, float } = await exactOutputs(m, s);
    expect(circuit).toEqual(float);
  });

  it("without an Indices output: plain Max2 compare-exchanges (width + 1 each), no keys or rescales", {
    tags: ["heavy"],
  }, async () => {
    const m = buildModel({
      nodes: [node("TopK", ["x", "K"], ["v", ""], {}, "top")],
      initializers: [tensorProto("K", [1], [2], "raw", I64)],
      inputs: [valueInfo("x", F, [2, 4])],
      outputs: [valueInfo("v", F)],
    });
    const s = Array.from({ length: 6 }, () => [uniform(r, 8)]);
    // An empty Indices name is not valid ONNX (the output is required): planned without onnxruntime's check.
    const { plan } = await planModel(writeTempModel(m), FIXED, readUnchecked);
    expect(plan.nodes[0]?.prims.some((p) => p.kind === "rescale")).toBe(false);
    // differences of [-128, 383] values: 10 bits; 3 + 2 Max2 per row
    expect((await checkCircuit(m, s.slice(0, 2))).constraints).toBe(8 * 9 + 2 * 5 * 11);
  });

  it("rejects K out of range, a K that is not a constant, bad flags", async () => {
    const withK = (k: number, attrs = {}) =>
      typedModel({
        op: "TopK",
        inputs: [["x", [2, 3]]],
        consts: [["K", [1], [k]]],
        attrs,
        outputs: [F, I64],
      });
    await expect(checkAgainstFloat(withK(4), [])).rejects.toMatchObject({ code: "bad-attribute" });
    await expect(checkAgainstFloat(withK(0), [])).rejects.toMatchObject({ code: "bad-attribute" });
    await expect(checkAgainstFloat(withK(2, { largest: attr.int(3) }), [])).rejects.toMatchObject({
      code: "bad-attribute",
    });
    const signalK = typedModel({
      op: "TopK",
      inputs: [
        ["x", [2, 3]],
        ["K", [1], I64],
      ],
      outputs: [F, I64],
    });
    await expect(checkAgainstFloat(signalK, [])).rejects.toMatchObject({ code: "unsupported-op" });
  });
});

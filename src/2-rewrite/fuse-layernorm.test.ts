import { describe, expect, it } from "vitest";
import { checkAgainstFloat, checkCircuit, FIXED, rng, uniform } from "../../test/support/op-check.js";
import { decodeModel } from "../1-decode/decode.js";
import { attr, buildModel, DataType, node, tensorProto, valueInfo } from "../1-decode/onnx-builder.js";
import { fuseLayerNorm } from "./fuse-layernorm.js";

const r = rng(77);
const EPS = 1e-5;

/** LayerNorm over the last axis as PyTorch exports it before opset 17 (GPT-2's ln_1). */
function decomposed(
  o: { square?: "Pow" | "Mul"; axes?: number[]; affine?: boolean; extraOutput?: string } = {},
) {
  const sq =
    o.square === "Mul"
      ? node("Mul", ["d", "d"], ["p"], {}, "sq")
      : node("Pow", ["d", "two"], ["p"], {}, "sq");
  const axes = { axes: attr.ints(o.axes ?? [-1]) };
  const nodes = [
    node("ReduceMean", ["x"], ["m"], axes, "ln/ReduceMean"),
    node("Sub", ["x", "m"], ["d"], {}, "ln/Sub"),
    sq,
    node("ReduceMean", ["p"], ["v"], axes, "ln/ReduceMean_1"),
    node("Add", ["v", "eps"], ["e"], {}, "ln/Add"),
    node("Sqrt", ["e"], ["s"], {}, "ln/Sqrt"),
    node("Div", ["d", "s"], [o.affine ? "z" : "y"], {}, "ln/Div"),
    ...(o.affine
      ? [node("Mul", ["z", "gamma"], ["g"], {}, "ln/Mul"), node("Add", ["g", "beta"], ["y"], {}, "ln/Add_1")]
      : []),
  ];
  return buildModel({
    nodes,
    initializers: [
      tensorProto("two", [], [2]),
      tensorProto("eps", [], [EPS]),
      tensorProto("gamma", [6], uniform(r, 6, 0.5, 1.5)),
      tensorProto("beta", [6], uniform(r, 6, -0.5, 0.5)),
    ],
    inputs: [valueInfo("x", DataType.FLOAT, [2, 6])],
    outputs: ["y", ...(o.extraOutput ? [o.extraOutput] : [])].map((n) => valueInfo(n, DataType.FLOAT)),
    opset: 13,
  });
}

const fused = (bytes: Uint8Array) => fuseLayerNorm(decodeModel(bytes));

describe("fuseLayerNorm", () => {
  it("fuses ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div/Mul/Add into one LayerNormalization", () => {
    const g = fused(decomposed({ affine: true }));
    expect(g.nodes.map((n) => n.opType)).toEqual(["LayerNormalization"]);
    const ln = g.nodes[0];
    expect(ln?.name).toBe("ln/ReduceMean (fused LayerNormalization)");
    expect(ln?.outputs).toEqual(["y"]);
    expect(ln?.attrs.get("axis")).toEqual({ type: "int", value: -1 });
    expect(ln?.attrs.get("epsilon")?.value).toBeCloseTo(EPS, 12);
    expect(g.constants.get(ln?.inputs[1] ?? "")?.shape).toEqual([6]);
    expect(g.constants.get(ln?.inputs[2] ?? "")?.shape).toEqual([6]);
  });

  it("fuses the d·d form without γ, β (Scale 1)", () => {
    const g = fused(decomposed({ square: "Mul" }));
    expect(g.nodes.map((n) => n.opType)).toEqual(["LayerNormalization"]);
    expect(Array.from(g.constants.get(g.nodes[0]?.inputs[1] ?? "")?.data ?? [])).toEqual([1]);
  });

  it("leaves the graph alone when an intermediate is a graph output or the axes are not [-k..-1]", () => {
    expect(fused(decomposed({ extraOutput: "d" })).nodes).toHaveLength(7);
    expect(fused(decomposed({ axes: [1] })).nodes).toHaveLength(7);
  });

  it("fused: matches onnxruntime within the proven bound on rows of small variance; circuit = reference", {
    tags: ["heavy"],
  }, async () => {
    const m = decomposed({ affine: true });
    // Rows whose spread is 0.05 (variance ~2e-4, not far above ε): the unfused Div refused such ranges.
    const samples = Array.from({ length: 4 }, () => [uniform(r, 12, 0.3, 0.35)]);
    const opts = { ...FIXED, inputRange: [0.3, 0.35] as [number, number], inputScale: 10 };
    const { maxError, errorBound } = await checkAgainstFloat(m, samples, opts);
    expect(maxError).toBeLessThanOrEqual(errorBound);
    await checkCircuit(m, samples.slice(0, 2), opts);
  });
});

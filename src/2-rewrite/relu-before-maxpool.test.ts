import { describe, expect, it } from "vitest";
import { checkAgainstFloat, rng, uniform } from "../../test/support/op-check.js";
import { decodeModel } from "../1-decode/decode.js";
import { attr, buildModel, DataType, node, tensorProto, valueInfo } from "../1-decode/onnx-builder.js";
import { evaluatePlan } from "../3-lower/evaluate.js";
import { quantize } from "../3-lower/quantize.js";
import { quantizeNumber } from "../3-lower/quantize-value.js";
import { reluBeforeMaxPool } from "./relu-before-maxpool.js";

const r = rng(12);
const pool = { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) };

function cnn(extraUse = false): Uint8Array {
  return buildModel({
    nodes: [
      node("Conv", ["x", "W"], ["c"], {}, "conv"),
      node("Relu", ["c"], ["h"], {}, "relu"),
      node("MaxPool", ["h"], ["p"], pool, "pool"),
      node("GlobalMaxPool", ["p"], ["g"], {}, "gpool"),
      node("Relu", ["g"], ["g2"], {}, "relu2"),
      node("MaxPool", ["g2"], ["y"], { kernel_shape: attr.ints([1, 1]) }, "pool2"),
      ...(extraUse ? [node("Identity", ["h"], ["z"], {}, "other")] : []),
    ],
    initializers: [tensorProto("W", [2, 1, 3, 3], uniform(r, 18, -0.5, 0.5))],
    inputs: [valueInfo("x", DataType.FLOAT, [1, 1, 6, 6])],
    outputs: [
      valueInfo("y", DataType.FLOAT, [1, 2, 1, 1]),
      ...(extraUse ? [valueInfo("z", DataType.FLOAT, [1, 2, 4, 4])] : []),
    ],
  });
}

describe("reluBeforeMaxPool", () => {
  it("moves each Relu after the max pools it feeds (past two in a row), keeping names, indices and order", () => {
    const g = reluBeforeMaxPool(decodeModel(cnn()));
    expect(g.nodes.map((n) => `${n.opType}:${n.name}#${n.index}`)).toEqual([
      "Conv:conv#0",
      "MaxPool:pool#2",
      "GlobalMaxPool:gpool#3",
      "Relu:relu#1",
      "MaxPool:pool2#5",
      "Relu:relu2#4",
    ]);
    expect(g.nodes[1]?.inputs).toEqual(["c"]);
    expect(g.nodes[2]?.inputs).toEqual(g.nodes[1]?.outputs);
    expect(g.nodes[3]?.inputs).toEqual(g.nodes[2]?.outputs);
    expect(g.nodes[3]?.outputs).toEqual(["g"]);
    expect(g.nodes[4]?.inputs).toEqual(["g"]);
    expect(g.nodes.at(-1)?.outputs).toEqual(["y"]);
  });

  it("leaves a Relu whose output has another use", () => {
    const g = decodeModel(cnn(true));
    const out = reluBeforeMaxPool(g);
    expect(out.nodes.slice(0, 3).map((n) => n.opType)).toEqual(["Conv", "Relu", "MaxPool"]);
  });

  it("gives bit-identical integer outputs, with fewer constraints, and matches onnxruntime", async () => {
    const bytes = cnn();
    const opts = {
      inputScale: 7,
      paramScale: 7,
      visibility: { input: "private" as const },
      ranges: { x: [-1, 1] as [number, number] },
    };
    const before = await quantize(decodeModel(bytes), opts);
    const after = await quantize(reluBeforeMaxPool(decodeModel(bytes)), opts);
    for (let t = 0; t < 10; t++) {
      const x = Array.from(uniform(r, 36), (v) => quantizeNumber(v, 7));
      const a = evaluatePlan(before, [x])[before.outputs[0]?.tensor ?? -1];
      const b = evaluatePlan(after, [x])[after.outputs[0]?.tensor ?? -1];
      expect(b).toEqual(a);
    }
    const { primConstraints } = await import("../3-lower/prims/registry.js");
    const cost = (p: typeof before) =>
      p.nodes
        .flatMap((n) => n.prims)
        .reduce((s, q) => s + primConstraints(q, p.tensors[q.out]?.lo.length ?? 0), 0);
    expect(cost(after)).toBeLessThan(cost(before));
    await checkAgainstFloat(
      bytes,
      Array.from({ length: 5 }, () => [uniform(r, 36)]),
    );
  });
});

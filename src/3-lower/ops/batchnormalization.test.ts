import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  checkAgainstFloat,
  checkCircuit,
  FIXED,
  rng,
  singleOp,
  uniform,
} from "../../../test/support/op-check.js";
import { tempDir } from "../../../test/support/temp.js";
import {
  type AttrValue,
  attr,
  buildModel,
  DataType,
  node,
  tensorProto,
  valueInfo,
} from "../../1-decode/onnx-builder.js";

const r = rng(9);
const samples = (n: number, len: number) => Array.from({ length: n }, () => [uniform(r, len)]);
const C = 3;
const stats = (): [string, number[], Float64Array][] => [
  ["g", [C], uniform(r, C, 0.5, 1.5)],
  ["b", [C], uniform(r, C, -0.5, 0.5)],
  ["m", [C], uniform(r, C, -0.3, 0.3)],
  ["v", [C], uniform(r, C, 0.2, 2)],
];

/** All statistics as graph inputs (the ONNX conformance tests' form). */
function signalStats(): Uint8Array {
  return singleOp({
    op: "BatchNormalization",
    inputs: [
      ["x", [2, C, 3]],
      ["g", [C]],
      ["b", [C]],
      ["m", [C]],
      ["v", [C]],
    ],
    attrs: { epsilon: attr.float(0.01) },
    output: [2, C, 3],
    opset: 15,
  });
}

const tmp = tempDir("zkmlc-bn-");

function writeTempJson(obj: unknown): string {
  const dir = mkdtempSync(join(tmp, "calibration-"));
  const path = join(dir, "calibration.json");
  writeFileSync(path, JSON.stringify(obj));
  return path;
}

function bn(attrs: Record<string, AttrValue> = {}, x = [2, C, 2, 3]): Uint8Array {
  return singleOp({
    op: "BatchNormalization",
    inputs: [["x", x]],
    weights: stats(),
    attrs,
    output: x,
    opset: 15,
  });
}

/** producer(x) -> BatchNormalization, with the producer's weights; `extra` adds a second use of its output. */
function afterProducer(producer: "Conv" | "Gemm", extra = false): Uint8Array {
  const conv = producer === "Conv";
  const xShape = conv ? [1, 2, 4, 4] : [2, 5];
  const yShape = conv ? [1, C, 2, 2] : [2, C];
  const nodes = [
    conv
      ? node("Conv", ["x", "W", "B"], ["h"], {}, "p")
      : node(
          "Gemm",
          ["x", "W", "B"],
          ["h"],
          { transB: attr.int(1), alpha: attr.float(0.5), beta: attr.float(2) },
          "p",
        ),
    node("BatchNormalization", ["h", "g", "b", "m", "v"], ["y"], { epsilon: attr.float(1e-3) }, "n0"),
  ];
  const outputs = [valueInfo("y", DataType.FLOAT, yShape)];
  if (extra) {
    nodes.push(node("Relu", ["h"], ["z"], {}, "other"));
    outputs.push(valueInfo("z", DataType.FLOAT, yShape));
  }
  return buildModel({
    nodes,
    initializers: [
      conv
        ? tensorProto("W", [C, 2, 3, 3], uniform(r, C * 18, -0.4, 0.4))
        : tensorProto("W", [C, 5], uniform(r, C * 5, -0.4, 0.4)),
      tensorProto("B", conv ? [C] : [1, C], uniform(r, C, -0.5, 0.5)),
      ...stats().map(([n, d, v]) => tensorProto(n, d, v)),
    ],
    inputs: [valueInfo("x", DataType.FLOAT, xShape)],
    outputs,
    opset: 15,
  });
}

describe("BatchNormalization", () => {
  it("alone: a free per-channel affine map at scale s_x + s_param, within the proven bound", async () => {
    const { plan, maxError, errorBound } = await checkAgainstFloat(
      bn({ epsilon: attr.float(0.01), momentum: attr.float(0.9) }),
      samples(10, 36),
    );
    expect(plan.nodes[0]?.prims.map((p) => p.kind)).toEqual(["affine"]);
    expect(plan.tensors.at(-1)?.scale).toBe(14);
    expect(maxError).toBeLessThanOrEqual(errorBound);
    expect(errorBound).toBeLessThan(0.05);
  });

  it("2-D input [N, C] and spatial=0 per-activation statistics (opset 7)", async () => {
    await checkAgainstFloat(bn({}, [4, C]), samples(6, 4 * C));
    const perActivation = singleOp({
      op: "BatchNormalization",
      inputs: [["x", [1, 2, 3]]],
      weights: ["g", "b", "m", "v"].map(
        (n) => [n, [2, 3], uniform(r, 6, 0.5, 1.5)] as [string, number[], Float64Array],
      ),
      attrs: { spatial: attr.int(0) },
      output: [1, 2, 3],
      opset: 7,
    });
    await checkAgainstFloat(perActivation, samples(6, 6));
  });

  it.each(["Conv", "Gemm"] as const)(
    "after %s with constant weights: folded into it (one node, scale s_x + s_param)",
    async (p) => {
      const { plan, maxError, errorBound } = await checkAgainstFloat(
        afterProducer(p),
        samples(10, p === "Conv" ? 32 : 10),
      );
      expect(plan.nodes.map((n) => n.node.opType)).toEqual([p]);
      expect(plan.nodes[0]?.node.name).toBe("p");
      expect(plan.tensors.at(-1)?.scale).toBe(14);
      expect(maxError).toBeLessThanOrEqual(errorBound);
    },
  );

  it("not folded when the producer's output has another use", async () => {
    const { plan } = await checkAgainstFloat(afterProducer("Conv", true), samples(4, 32));
    expect(plan.nodes.map((n) => n.node.opType)).toEqual(["Conv", "BatchNormalization", "Relu"]);
    expect(plan.nodes[1]?.outputShapes).toEqual([[1, C, 2, 2]]);
  });

  it("compiles to a circuit that costs only the input range checks", { tags: ["heavy"] }, async () => {
    const { constraints } = await checkCircuit(bn({}, [1, C, 2]), samples(2, 2 * C));
    expect(constraints).toBe(2 * C * 9);
  });

  it("statistics as graph inputs: a square root and a division per channel, within the proven bound", {
    tags: ["heavy"],
  }, async () => {
    const draw = (): Float64Array[] => [
      uniform(r, 2 * C * 3),
      uniform(r, C, 0.5, 1.5),
      uniform(r, C),
      uniform(r, C, -0.5, 0.5),
      uniform(r, C, 0.2, 2),
    ];
    const data = Array.from({ length: 8 }, draw);
    const names = ["x", "g", "b", "m", "v"];
    const cal = writeTempJson(
      data.map((s) => Object.fromEntries(s.map((t, i) => [names[i], Array.from(t)]))),
    );
    const opts = { ...FIXED, inputRange: undefined, calibration: cal };
    const { plan, maxError, errorBound } = await checkAgainstFloat(signalStats(), data, opts);
    expect(plan.nodes[0]?.prims.map((p) => p.kind)).toEqual(
      expect.arrayContaining(["sqrt", "div", "mul", "rescale"]),
    );
    expect(maxError).toBeLessThanOrEqual(errorBound);
    const { constraints } = await checkCircuit(signalStats(), data.slice(0, 2), opts);
    expect(constraints).toBeGreaterThan(0);
  });

  it("rejects training mode, its statistics outputs and a variance that can be negative", async () => {
    await expect(checkAgainstFloat(bn({ training_mode: attr.int(1) }), [])).rejects.toMatchObject({
      code: "bad-attribute",
      node: { name: "n0", opType: "BatchNormalization" },
      message: expect.stringMatching(/training_mode/),
    });
    const withStats = buildModel({
      nodes: [node("BatchNormalization", ["x", "g", "b", "m", "v"], ["y", "rm", "rv"], {}, "n0")],
      initializers: stats().map(([n, d, v]) => tensorProto(n, d, v)),
      inputs: [valueInfo("x", DataType.FLOAT, [1, C, 2])],
      outputs: [
        valueInfo("y", DataType.FLOAT, [1, C, 2]),
        valueInfo("rm", DataType.FLOAT, [C]),
        valueInfo("rv", DataType.FLOAT, [C]),
      ],
      opset: 15,
    });
    await expect(checkAgainstFloat(withStats, [])).rejects.toMatchObject({
      code: "bad-attribute",
      message: expect.stringMatching(/statistics/),
    });
    // statistics given as graph inputs with a variance range that reaches below -epsilon
    await expect(checkAgainstFloat(signalStats(), [])).rejects.toMatchObject({
      code: "unsupported-op",
      message: expect.stringMatching(/input_var can be <= -epsilon/),
    });
  });
});

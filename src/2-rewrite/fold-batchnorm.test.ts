import { describe, expect, it } from "vitest";
import { decodeModel } from "../1-decode/decode.js";
import type { Graph } from "../1-decode/graph.js";
import { attr, buildModel, DataType, node, tensorProto, valueInfo } from "../1-decode/onnx-builder.js";
import { foldBatchNorm } from "./fold-batchnorm.js";

const g = [2, 0.5];
const beta = [0.25, -1];
const mean = [1, -2];
const variance = [3, 0.21];
const eps = 1e-3;
const a = g.map((s, i) => s / Math.sqrt((variance[i] as number) + eps));
const stats = [
  tensorProto("g", [2], g),
  tensorProto("beta", [2], beta),
  tensorProto("m", [2], mean),
  tensorProto("v", [2], variance),
];
const bnNode = (x: string, y: string, name = "bn") =>
  node("BatchNormalization", [x, "g", "beta", "m", "v"], [y], { epsilon: attr.float(eps) }, name);

function graph(
  nodes: ReturnType<typeof node>[],
  initializers: ReturnType<typeof tensorProto>[],
  xShape: number[],
  outs: string[],
): Graph {
  return decodeModel(
    buildModel({
      nodes,
      initializers: [...initializers, ...stats],
      inputs: [valueInfo("x", DataType.FLOAT, xShape)],
      outputs: outs.map((o) => valueInfo(o, DataType.FLOAT)),
    }),
  );
}

const close = (got: ArrayLike<number> | undefined, want: number[]) => {
  expect(got?.length).toBe(want.length);
  want.forEach((w, i) => {
    expect(got?.[i]).toBeCloseTo(w, 5);
  });
};

describe("foldBatchNorm", () => {
  it("folds into a Conv without bias: W' = a·W per output channel, b' = β − a·mean, W itself untouched", () => {
    const W = [1, 2, 3, 4, 5, 6, 7, 8]; // [2, 1, 2, 2]
    const before = graph(
      [node("Conv", ["x", "W"], ["h"], {}, "conv"), bnNode("h", "y")],
      [tensorProto("W", [2, 1, 2, 2], W)],
      [1, 1, 3, 3],
      ["y"],
    );
    const after = foldBatchNorm(before);
    expect(after.nodes.map((n) => [n.opType, n.name, n.outputs[0]])).toEqual([["Conv", "conv", "y"]]);
    const [, wName, bName] = after.nodes[0]?.inputs ?? [];
    expect(wName).toBe("W/bn_folded");
    close(
      after.constants.get(wName ?? "")?.data,
      W.map((w, i) => w * (a[Math.floor(i / 4)] as number)),
    );
    close(
      after.constants.get(bName ?? "")?.data,
      [0, 1].map((c) => (beta[c] as number) - (a[c] as number) * (mean[c] as number)),
    );
    close(after.constants.get("W")?.data, W);
    expect(before.nodes).toHaveLength(2); // the input graph is not modified
  });

  it("folds into Gemm (transB=0, beta, C of shape [1, N]): columns of B scaled, C' = a·(beta·C − mean) + β, beta = 1", () => {
    const B = [1, 2, 3, 4, 5, 6]; // [3, 2]
    const C = [0.5, -0.5];
    const before = graph(
      [
        node("Gemm", ["x", "B", "C"], ["h"], { beta: attr.float(3), alpha: attr.float(2) }, "fc"),
        bnNode("h", "y"),
      ],
      [tensorProto("B", [3, 2], B), tensorProto("C", [1, 2], C)],
      [4, 3],
      ["y"],
    );
    const after = foldBatchNorm(before);
    const fc = after.nodes[0];
    expect(after.nodes).toHaveLength(1);
    close(
      after.constants.get(fc?.inputs[1] ?? "")?.data,
      B.map((v, i) => v * (a[i % 2] as number)),
    );
    close(
      after.constants.get(fc?.inputs[2] ?? "")?.data,
      [0, 1].map(
        (n) => (a[n] as number) * (3 * (C[n] as number) - (mean[n] as number)) + (beta[n] as number),
      ),
    );
    expect(fc?.attrs.get("beta")).toEqual({ type: "float", value: 1 });
    expect(fc?.attrs.get("alpha")?.value).toBeCloseTo(2, 6);
  });

  it("two BatchNormalizations after Convs sharing one weight get two new weights", () => {
    const before = graph(
      [
        node("Conv", ["x", "W"], ["h1"], {}, "c1"),
        node("Conv", ["x", "W"], ["h2"], {}, "c2"),
        bnNode("h1", "y1", "bn1"),
        bnNode("h2", "y2", "bn2"),
      ],
      [tensorProto("W", [2, 1, 1, 1], [1, 1])],
      [1, 1, 2, 2],
      ["y1", "y2"],
    );
    const after = foldBatchNorm(before);
    expect(after.nodes.map((n) => n.name)).toEqual(["c1", "c2"]);
    expect(new Set(after.nodes.map((n) => n.inputs[1])).size).toBe(2);
  });

  it("leaves alone: a producer used twice, a graph-output producer, constant-left Gemm, training mode, signal statistics", () => {
    const W = tensorProto("W", [2, 1, 1, 1], [1, 1]);
    const cases: Graph[] = [
      graph(
        [node("Conv", ["x", "W"], ["h"]), bnNode("h", "y"), node("Relu", ["h"], ["z"])],
        [W],
        [1, 1, 2, 2],
        ["y", "z"],
      ),
      graph([node("Conv", ["x", "W"], ["h"]), bnNode("h", "y")], [W], [1, 1, 2, 2], ["y", "h"]),
      graph(
        [node("Gemm", ["A", "x"], ["h"]), bnNode("h", "y")],
        [tensorProto("A", [2, 2], [1, 2, 3, 4])],
        [2, 2],
        ["y"],
      ),
      graph(
        [
          node("Conv", ["x", "W"], ["h"]),
          node("BatchNormalization", ["h", "g", "beta", "m", "v"], ["y"], { training_mode: attr.int(1) }),
        ],
        [W],
        [1, 1, 2, 2],
        ["y"],
      ),
      graph(
        [
          node("Relu", ["x"], ["mm"]),
          node("Conv", ["x", "W"], ["h"]),
          node("BatchNormalization", ["h", "g", "beta", "mm", "v"], ["y"]),
        ],
        [W],
        [2],
        ["y"],
      ),
    ];
    for (const c of cases) expect(foldBatchNorm(c)).toBe(c);
  });
});

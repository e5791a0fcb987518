/**
 * The scaling sweep: MLPs of growing width and depth and small CNNs of growing size, written
 * deterministically (seeded random weights: the sweep measures cost, not accuracy) with the ONNX
 * builder. Each model gets an input.json beside it in the default calibrated range [-1, 1].
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { mulberry32 } from "../examples/prng.js";
import type { INodeProto, ITensorProto } from "../src/1-decode/onnx-builder.js";
import { attr, buildModel, DataType, node, tensorProto, valueInfo } from "../src/1-decode/onnx-builder.js";

export interface SweepModel {
  name: string;
  family: "mlp" | "cnn";
  bytes: Uint8Array;
  input: number[];
}

const INPUTS = 64;
const CLASSES = 10;

/** Uniform in ±1/sqrt(fanIn) (the PyTorch default init's range). */
function weights(rnd: () => number, n: number, fanIn: number): number[] {
  const a = 1 / Math.sqrt(fanIn);
  return Array.from({ length: n }, () => (2 * rnd() - 1) * a);
}

function gemm(
  rnd: () => number,
  name: string,
  x: string,
  y: string,
  nIn: number,
  nOut: number,
): { init: ITensorProto[]; node: INodeProto } {
  return {
    init: [
      tensorProto(`${name}.weight`, [nOut, nIn], weights(rnd, nOut * nIn, nIn)),
      tensorProto(`${name}.bias`, [nOut], weights(rnd, nOut, nIn)),
    ],
    node: node("Gemm", [x, `${name}.weight`, `${name}.bias`], [y], { transB: attr.int(1) }, name),
  };
}

/** 64 -> width (x depth hidden layers, ReLU) -> 10. */
export function mlp(width: number, depth: number): SweepModel {
  const rnd = mulberry32(1000 * width + depth);
  const init: ITensorProto[] = [];
  const nodes: INodeProto[] = [];
  let x = "input";
  let n = INPUTS;
  for (let l = 1; l <= depth; l++) {
    const g = gemm(rnd, `fc${l}`, x, `fc${l}`, n, width);
    init.push(...g.init);
    nodes.push(g.node, node("Relu", [`fc${l}`], [`relu${l}`], {}, `relu${l}`));
    x = `relu${l}`;
    n = width;
  }
  const out = gemm(rnd, "out", x, "output", n, CLASSES);
  init.push(...out.init);
  nodes.push(out.node);
  return {
    name: `mlp-w${width}-d${depth}`,
    family: "mlp",
    bytes: buildModel({
      inputs: [valueInfo("input", DataType.FLOAT, [1, INPUTS])],
      outputs: [valueInfo("output", DataType.FLOAT, [1, CLASSES])],
      initializers: init,
      nodes,
      docString: `bench sweep MLP ${INPUTS}-${Array(depth).fill(width).join("-")}-${CLASSES}, seeded random weights`,
    }),
    input: weights(rnd, INPUTS, 1),
  };
}

/** [1, 1, size, size] -> Conv 3x3 (pad 1, `channels`) -> ReLU -> MaxPool 2x2 -> Flatten -> Gemm -> 10. */
export function cnn(channels: number, size: number): SweepModel {
  const rnd = mulberry32(7000 + 100 * channels + size);
  const pooled = channels * (size / 2) ** 2;
  const fc = gemm(rnd, "fc", "flat", "output", pooled, CLASSES);
  return {
    name: `cnn-c${channels}-h${size}`,
    family: "cnn",
    bytes: buildModel({
      inputs: [valueInfo("input", DataType.FLOAT, [1, 1, size, size])],
      outputs: [valueInfo("output", DataType.FLOAT, [1, CLASSES])],
      initializers: [
        tensorProto("conv.weight", [channels, 1, 3, 3], weights(rnd, channels * 9, 9)),
        tensorProto("conv.bias", [channels], weights(rnd, channels, 9)),
        ...fc.init,
      ],
      nodes: [
        node(
          "Conv",
          ["input", "conv.weight", "conv.bias"],
          ["conv"],
          { kernel_shape: attr.ints([3, 3]), pads: attr.ints([1, 1, 1, 1]), strides: attr.ints([1, 1]) },
          "conv",
        ),
        node("Relu", ["conv"], ["relu"], {}, "relu"),
        node(
          "MaxPool",
          ["relu"],
          ["pool"],
          { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) },
          "pool",
        ),
        node("Flatten", ["pool"], ["flat"], { axis: attr.int(1) }, "flatten"),
        fc.node,
      ],
      docString: `bench sweep CNN ${size}x${size}x1 -> conv3x3x${channels} -> relu -> maxpool2 -> fc ${CLASSES}`,
    }),
    input: weights(rnd, size * size, 1),
  };
}

/** The sweep of the suite, smallest first. */
export function sweep(): SweepModel[] {
  return [
    ...[16, 32, 64, 128, 256, 512].map((w) => mlp(w, 1)),
    ...[2, 3, 4].map((d) => mlp(64, d)),
    cnn(2, 8),
    cnn(4, 8),
    cnn(4, 12),
    cnn(4, 16),
  ];
}

/** Writes `<dir>/<name>/model.onnx` and `input.json` (unchanged files are rewritten byte-identically). */
export function writeSweep(
  dir: string,
  models: SweepModel[] = sweep(),
): { name: string; family: string; model: string; input: string }[] {
  return models.map((m) => {
    const d = join(dir, m.name);
    if (!existsSync(d)) mkdirSync(d, { recursive: true });
    writeFileSync(join(d, "model.onnx"), m.bytes);
    writeFileSync(join(d, "input.json"), `${JSON.stringify({ input_data: [m.input] })}\n`);
    return { name: m.name, family: m.family, model: join(d, "model.onnx"), input: join(d, "input.json") };
  });
}

/**
 * Writes examples/tiny/model.onnx and examples/tiny/input.json: a tiny hand-weighted fully connected net
 * for smoke tests of the whole pipeline.
 *
 *   input [1,4] -> Identity -> Flatten(axis=1) -> Gemm(transB=1) 4->3 -> Relu -> Dropout
 *               -> Gemm(transB=1) 3->2 -> Reshape(shape = Constant [1,2]) -> output [1,2]
 *
 * Identity, Flatten, Dropout and the Reshape are no-ops the rewrite step should drop; the Reshape's
 * shape comes from a Constant node. Weights are dyadic (exact in binary fixed point), mixed in sign,
 * stored half in raw_data and half in float_data; for the sample input ReLU clips hidden unit 1.
 *
 * Run: npx tsx examples/tiny/make.ts
 */
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { InferenceSession, Tensor } from "onnxruntime-node";
import { attr, buildModel, DataType, node, tensorProto, valueInfo } from "../../src/1-decode/onnx-builder.js";

const here = dirname(fileURLToPath(import.meta.url));

// fc1.weight [3, 4] (row = hidden unit). For the sample input the pre-activations are 1.0625, -1.375
// (clipped by ReLU) and 0.78125; the outputs are 0.7265625 and -0.375.
// biome-ignore format: matrix layout
const W1 = [
  0.5, -0.25, 1.0, 0.125,
  -0.75, 0.5, -0.5, 0.25,
  0.25, 1.0, -0.125, -0.5,
];
const B1 = [0.125, -0.25, 0.5];
// fc2.weight [2, 3]
// biome-ignore format: matrix layout
const W2 = [
  1.0, -0.5, -0.75,
  -0.25, 0.75, 0.5,
];
const B2 = [0.25, -0.5];
const SAMPLE = [0.5, -0.25, 0.75, -1];

const model = buildModel({
  inputs: [valueInfo("input", DataType.FLOAT, [1, 4])],
  outputs: [valueInfo("output", DataType.FLOAT, [1, 2])],
  initializers: [
    tensorProto("fc1.weight", [3, 4], W1, "raw"),
    tensorProto("fc1.bias", [3], B1, "float_data"),
    tensorProto("fc2.weight", [2, 3], W2, "raw"),
    tensorProto("fc2.bias", [2], B2, "float_data"),
  ],
  nodes: [
    node("Identity", ["input"], ["x_id"], {}, "identity"),
    node("Flatten", ["x_id"], ["x_flat"], { axis: attr.int(1) }, "flatten"),
    node(
      "Gemm",
      ["x_flat", "fc1.weight", "fc1.bias"],
      ["fc1"],
      { alpha: attr.float(1), beta: attr.float(1), transB: attr.int(1) },
      "fc1",
    ),
    node("Relu", ["fc1"], ["relu1"], {}, "relu1"),
    node("Dropout", ["relu1"], ["drop1"], {}, "dropout"),
    node("Gemm", ["drop1", "fc2.weight", "fc2.bias"], ["fc2"], { transB: attr.int(1) }, "fc2"),
    node(
      "Constant",
      [],
      ["out_shape"],
      { value: attr.tensor(tensorProto("", [2], [1, 2], "int64_data")) },
      "out_shape",
    ),
    node("Reshape", ["fc2", "out_shape"], ["output"], {}, "reshape"),
  ],
  opset: 13,
  docString: "Tiny hand-weighted 4-3-2 MLP with no-op nodes; written by examples/tiny/make.ts",
  metadata: { source: "examples/tiny/make.ts" },
});

writeFileSync(join(here, "model.onnx"), model);
writeFileSync(join(here, "input.json"), `${JSON.stringify({ input_data: [SAMPLE] })}\n`);

const session = await InferenceSession.create(model);
const out = await session.run({ input: new Tensor("float32", Float32Array.from(SAMPLE), [1, 4]) });
const y = out.output;
console.log(`wrote ${join(here, "model.onnx")} (${model.length} bytes) and input.json`);
console.log(`input  ${JSON.stringify(SAMPLE)}`);
console.log(`output ${JSON.stringify(Array.from(y?.data as Float32Array))} dims ${JSON.stringify(y?.dims)}`);

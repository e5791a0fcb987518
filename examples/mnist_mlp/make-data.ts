/**
 * Writes the first N (default 1000) test-split digits of data.ts as a JSON array of EZKL-format inputs,
 * `[{"input_data": [[784 values]]}, ...]`, for `zkmlc accuracy`, and their labels as a JSON array of
 * integers to `<out>.labels.json` (`<out>` without its `.json` extension).
 *
 * Run: npx tsx examples/mnist_mlp/make-data.ts <out.json> [N]
 */
import { writeFileSync } from "node:fs";
import { ezklInput, loadMnist } from "./data.js";

const [out, nArg] = process.argv.slice(2);
if (out === undefined) {
  console.error("usage: npx tsx examples/mnist_mlp/make-data.ts <out.json> [N]");
  process.exit(2);
}
const { test } = loadMnist();
const n = nArg === undefined ? 1000 : Number(nArg);
if (!Number.isInteger(n) || n < 1 || n > test.x.length) {
  console.error(`N must be an integer in 1..${test.x.length}, got ${nArg}`);
  process.exit(2);
}

const inputs = test.x.slice(0, n).map(ezklInput);
const labels = test.y.slice(0, n);
const labelsPath = `${out.replace(/\.json$/, "")}.labels.json`;
// One digit per line: compact, yet diffable and easy to inspect.
writeFileSync(out, `[\n${inputs.map((i) => JSON.stringify(i)).join(",\n")}\n]\n`);
writeFileSync(labelsPath, `${JSON.stringify(labels)}\n`);
const counts = Array.from({ length: 10 }, (_, c) => labels.filter((y) => y === c).length);
console.log(`wrote ${n} test digits to ${out} and labels to ${labelsPath} (per class ${counts.join(" ")})`);

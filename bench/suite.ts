/**
 * `npm run bench`: the benchmark suite. The examples (MNIST MLP, LeNet-5 and the CIFAR-shaped CNN; one whose model is absent
 * is noted, not benchmarked) and the scaling sweep of bench/sweep.ts (MLPs by width and depth, CNNs by size), each timed
 * `--runs` times; a model whose compile fails with an unsupported operator is reported as skipped.
 *
 * Writes bench/results/suite.json (the report), bench/results/suite.md and *.svg (the charts), and
 * bench/RESULTS.md (see results-md.ts). With --write-baseline the JSON also becomes bench/BASELINE.json.
 *
 * Usage: npx tsx bench/suite.ts [--runs N] [--only name,name] [--system S] [--accuracy-samples N]
 *                               [--compare FILE] [--max-regression 20%] [--write-baseline]
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { NUM_CLASSES, renderImage, TEST_SEED } from "../examples/cifar_cnn/data.js";
import { ezklInput, loadMnist } from "../examples/mnist_mlp/data.js";
import { isProofSystem } from "../src/6-prove/systems.js";
import { parseMaxRegression } from "../src/bench/compare.js";
import { runBench } from "../src/bench/run-bench.js";
import { comparisonText, summaryText } from "../src/bench/text.js";
import type { ModelSpec } from "../src/bench/types.js";
import { benchProgress } from "../src/cli/bench-progress.js";
import { writeResultsMd } from "./results-md.js";
import { writeSweep } from "./sweep.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const rel = (p: string) => relative(process.cwd(), p) || ".";

const { values: a } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    only: { type: "string" },
    system: { type: "string", default: "groth16" },
    "accuracy-samples": { type: "string", default: "500" },
    compare: { type: "string" },
    "max-regression": { type: "string", default: "20%" },
    "write-baseline": { type: "boolean", default: false },
  },
});
const system = a.system ?? "groth16";
if (!isProofSystem(system)) throw new Error(`--system must be groth16, plonk or fflonk, got ${system}`);

const work = join(root, "build", "bench");
mkdirSync(work, { recursive: true });

/** The first N MNIST test digits (pixels 0..1) for accuracy vs float, written once. */
function mnistDigits(n: number): string {
  const path = join(work, `mnist-test-${n}.json`);
  if (!existsSync(path)) {
    const { test } = loadMnist();
    writeFileSync(path, JSON.stringify(test.x.slice(0, n).map(ezklInput)));
  }
  return path;
}

/** The digits fit a model whose input is one 28x28 image in [0, 1] (as its own input.json shows). */
function takesDigits(input: string): boolean {
  try {
    const d = (JSON.parse(readFileSync(input, "utf8")) as { input_data?: number[][] }).input_data?.[0]?.flat(
      9,
    );
    return d?.length === 784 && d.every((v) => typeof v === "number" && v >= 0 && v <= 1);
  } catch {
    return false;
  }
}

/** The first N synthetic test images of examples/cifar_cnn (as its make-data.ts writes them), written once. */
function cifarImages(n: number): string {
  const path = join(work, `cifar-test-${n}.json`);
  if (!existsSync(path))
    writeFileSync(
      path,
      JSON.stringify(
        Array.from({ length: n }, (_, i) => ezklInput(renderImage(TEST_SEED, i, i % NUM_CLASSES))),
      ),
    );
  return path;
}

const samples = Number(a["accuracy-samples"]);
/** A CIFAR witness takes seconds (810k constraints): its accuracy uses at most this many images. */
const CIFAR_SAMPLES = 50;
const specs: ModelSpec[] = [];
const notes: string[] = [];
for (const ex of ["mnist_mlp", "lenet5", "cifar_cnn"]) {
  const model = join(root, "examples", ex, "model.onnx");
  const input = join(root, "examples", ex, "input.json");
  if (!existsSync(model) || !existsSync(input)) {
    notes.push(`${rel(model)} or its input.json is absent: ${ex} not benchmarked`);
    continue;
  }
  const data =
    samples <= 0
      ? undefined
      : ex === "cifar_cnn"
        ? cifarImages(Math.min(samples, CIFAR_SAMPLES))
        : takesDigits(input)
          ? mnistDigits(samples)
          : undefined;
  specs.push({
    name: ex,
    model: rel(model),
    input: rel(input),
    family: "example",
    compile: { inputRange: [0, 1] },
    data: data && rel(data),
  });
}
for (const m of writeSweep(join(work, "models")))
  specs.push({ name: m.name, model: rel(m.model), input: rel(m.input), family: m.family });

const only = a.only?.split(",").map((s) => s.trim());
const chosen = only ? specs.filter((s) => only.includes(s.name)) : specs;
if (only && chosen.length !== only.length)
  throw new Error(
    `--only: unknown model(s) ${only.filter((n) => !specs.some((s) => s.name === n)).join(", ")}`,
  );

const results = join(here, "results");
for (const n of notes) console.log(n);
const r = await runBench(chosen, {
  runs: Number(a.runs),
  system,
  jsonOut: join(results, "suite.json"),
  mdOut: join(results, "suite.md"),
  title: "zkmlc benchmark suite",
  compare: a.compare,
  maxRegression: parseMaxRegression(a["max-regression"] ?? "20%"),
  workDir: work,
  onProgress: process.stderr.isTTY ? benchProgress() : undefined,
});
const written = [...r.written, ...(await writeResultsMd(r.report, join(here, "RESULTS.md"), results))];
if (a["write-baseline"]) {
  copyFileSync(join(results, "suite.json"), join(here, "BASELINE.json"));
  written.push(join(here, "BASELINE.json"));
}
console.log(summaryText(r.report).join("\n"));
console.log(`\nwrote ${[...new Set(written.map(rel))].join(", ")}`);
if (r.comparison) {
  console.log(`\n${comparisonText(r.comparison).join("\n")}`);
  if (!r.comparison.ok) process.exitCode = 1;
}

/**
 * `npm run bench:prove`: `zkmlc prove` against a bare `snarkjs groth16 prove` of the same proving key and
 * witness, each a whole process (what a user waits for), interleaved so that a busy machine slows them
 * alike; and batch proving (`prove --input` with an array) against one process per proof.
 *
 * Per example: compile (--input-range 0,1), setup and `zkmlc witness` in a temporary folder, then
 * `--runs` rounds of: zkmlc prove, zkmlc prove --no-reference, snarkjs groth16 prove (snarkjs's own
 * CLI, build/cli.cjs, as `npx snarkjs` runs it without npx's start-up). Then a batch of `--batch` inputs
 * (the example's input with small in-range perturbations) proved by one `zkmlc prove` process, against
 * the same number of single-proof processes. Medians; writes bench/results/prove.json.
 * Build first (`npm run build`).
 *
 * Usage: npx tsx bench/prove.ts [--runs 5] [--batch 10] [--models mnist_mlp,lenet5]
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { writeJsonAtomic } from "../src/artifacts.js";
import { describeMachine } from "../src/bench/machine.js";
import { VERSION } from "../src/version.js";
import { type ProveModelResult, proveTable } from "./prove-md.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cli = join(root, "dist", "cli", "main.js");
const snarkjsCli = join(root, "node_modules", "snarkjs", "build", "cli.cjs");
if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
const { values: a } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    batch: { type: "string", default: "10" },
    models: { type: "string", default: "mnist_mlp,lenet5" },
  },
});
const runs = Number(a.runs);
const batchSize = Number(a.batch);

/** Seconds a whole process takes; it must succeed. */
function timed(args: string[]): number {
  const t0 = process.hrtime.bigint();
  const p = spawnSync(process.execPath, args, { cwd: root, stdio: ["ignore", "ignore", "pipe"] });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (p.status !== 0) throw new Error(`${args.join(" ")} exited with ${p.status}: ${p.stderr}`);
  return s;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};

/** `n` inputs: the example's, each value moved by up to ±0.02 and kept in [0, 1] (deterministic). */
function batchOf(input: { input_data: number[][] }, n: number): unknown[] {
  let seed = 1;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  return Array.from({ length: n }, () => ({
    input_data: input.input_data.map((xs) =>
      xs.map((v) => Math.min(1, Math.max(0, v + (rand() - 0.5) * 0.04))),
    ),
  }));
}

const results: ProveModelResult[] = [];
for (const model of (a.models ?? "").split(",")) {
  const example = join(root, "examples", model);
  const input = join(example, "input.json");
  const work = mkdtempSync(join(tmpdir(), "zkmlc-bench-prove-"));
  try {
    const dir = join(work, "build");
    const prep = (args: string[]) => timed([cli, ...args]);
    prep(["compile", join(example, "model.onnx"), "-o", dir, "--input-range", "0,1"]);
    prep(["setup", dir]);
    prep(["witness", dir, "--input", input]);
    const settings = JSON.parse(readFileSync(join(dir, "settings.json"), "utf8"));
    const zkey = join(dir, "groth16", "keys", "circuit.zkey");
    const wtns = join(dir, "witness", "witness.wtns");
    const cases: [string, string[]][] = [
      ["zkmlcProve", [cli, "prove", dir, "--input", input]],
      ["zkmlcProveNoReference", [cli, "prove", dir, "--input", input, "--no-reference"]],
      [
        "snarkjsProve",
        [snarkjsCli, "groth16", "prove", zkey, wtns, join(work, "p.json"), join(work, "s.json")],
      ],
    ];
    const times = new Map<string, number[]>(cases.map(([n]) => [n, []]));
    for (let r = 0; r < runs; r++) for (const [name, args] of cases) times.get(name)?.push(timed(args));
    const m = Object.fromEntries(
      cases.map(([n]) => [n, median(times.get(n) ?? [])]),
    ) as ProveModelResult["medians"];

    const batchFile = join(work, "batch.json");
    writeFileSync(batchFile, JSON.stringify(batchOf(JSON.parse(readFileSync(input, "utf8")), batchSize)));
    const oneProcess = timed([cli, "prove", dir, "--input", batchFile]);
    timed([cli, "verify", dir]); // every proof of the batch verifies
    const perProof = batchSize * m.zkmlcProve;
    results.push({
      model,
      constraints: settings.circuit.constraints,
      runs,
      medians: m,
      ratio: {
        prove: m.zkmlcProve / m.snarkjsProve,
        proveNoReference: m.zkmlcProveNoReference / m.snarkjsProve,
      },
      batch: {
        inputs: batchSize,
        oneProcess,
        perProofProcesses: perProof,
        proofsPerMinute: (60 * batchSize) / oneProcess,
        singleProofsPerMinute: 60 / m.zkmlcProve,
      },
    });
    const r = results[results.length - 1] as ProveModelResult;
    console.log(
      `${model}: zkmlc prove ${m.zkmlcProve.toFixed(2)} s (--no-reference ${m.zkmlcProveNoReference.toFixed(2)} s), snarkjs ${m.snarkjsProve.toFixed(2)} s: ${r.ratio.prove.toFixed(2)}× (${r.ratio.proveNoReference.toFixed(2)}×); batch of ${batchSize} in one process ${oneProcess.toFixed(1)} s = ${r.batch.proofsPerMinute.toFixed(1)} proofs/min (one process each: ${r.batch.singleProofsPerMinute.toFixed(1)})`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const out = join(root, "bench", "results", "prove.json");
await writeJsonAtomic(out, {
  zkmlc: VERSION,
  date: new Date().toISOString(),
  machine: describeMachine(),
  results,
});
console.log(`\n${proveTable(results)}\n\nwrote ${out}`);

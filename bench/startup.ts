/**
 * `npm run bench:startup`: how long the CLI takes to start, against Node itself. Runs `node -e 0` and
 * the built CLI (`dist/cli/main.js`, as `npx zkmlc` runs it) with `--version` and `--help`, interleaved
 * so that a busy machine slows them alike, and prints the medians and the ratio to `node -e 0`
 * (bench/results/startup.json, in RESULTS.md's "CLI overhead").
 * Build first (`npm run build`).
 *
 * Usage: npx tsx bench/startup.ts [--runs 15]
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { writeJsonAtomic } from "../src/artifacts.js";
import { describeMachine } from "../src/bench/machine.js";
import { VERSION } from "../src/version.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cli = join(root, "dist", "cli", "main.js");
if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
const { values: a } = parseArgs({ options: { runs: { type: "string", default: "15" } } });

const cases: [string, string[]][] = [
  ["node -e 0", ["-e", "0"]],
  ["zkmlc --version", [cli, "--version"]],
  ["zkmlc --help", [cli, "--help"]],
];
const times = new Map<string, number[]>(cases.map(([name]) => [name, []]));
for (let r = 0; r < Number(a.runs); r++)
  for (const [name, args] of cases) {
    const t0 = process.hrtime.bigint();
    const p = spawnSync(process.execPath, args, { cwd: root, stdio: "ignore" });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (p.status !== 0) throw new Error(`${name} exited with ${p.status}`);
    times.get(name)?.push(ms);
  }
const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};
const base = median(times.get("node -e 0") ?? []);
const results = cases.map(([command]) => {
  const medianMs = median(times.get(command) ?? []);
  console.log(
    `${command.padEnd(16)} ${medianMs.toFixed(0).padStart(5)} ms  ${(medianMs / base).toFixed(2)}× node -e 0`,
  );
  return { command, medianMs, ratio: medianMs / base };
});
const out = join(root, "bench", "results", "startup.json");
await writeJsonAtomic(out, {
  zkmlc: VERSION,
  date: new Date().toISOString(),
  machine: describeMachine(),
  results,
});
console.log(`wrote ${out}`);

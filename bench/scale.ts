/**
 * `npm run bench:scale`: the largest circuit this machine proves. For each power c (default 19..22) a
 * sweep CNN (bench/sweep.ts `cnn(16, size)`, Conv 3x3 with 16 channels on a size x size image) is sized
 * so its estimate fills most of 2^c constraints, then compiled, set up (development Groth16 key),
 * witnessed, proven and verified once in a fresh process, with each step's time and peak resident set,
 * and the r1cs and proving-key sizes. A failing step (out of memory, a crash) is recorded with its
 * message, and larger powers are still tried: the table says what fails first.
 *
 * Writes bench/results/scale.json, keeping the points of powers not run now; `npm run bench:results` puts
 * its table in bench/RESULTS.md.
 *
 * Usage: npx tsx bench/scale.ts [--powers 19,20,21,22] [--fill 0.92]
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { writeJsonAtomic } from "../src/artifacts.js";
import { describeMachine } from "../src/bench/machine.js";
import { runInChild } from "../src/bench/runs.js";
import { inspect } from "../src/steps/inspect.js";
import { VERSION } from "../src/version.js";
import type { ScalePoint, ScaleReport, ScaleStep } from "./scale-md.js";
import { cnn, writeSweep } from "./sweep.js";

const here = dirname(fileURLToPath(import.meta.url));
const CHANNELS = 16;

/** The even image size whose CNN's estimate is the largest at most fill * 2^power. */
async function sizeFor(
  power: number,
  fill: number,
  dir: string,
): Promise<{ size: number; estimate: number }> {
  const target = fill * 2 ** power;
  // About 400 constraints per pixel at 16 channels: start there, then step to the exact estimate.
  let size = 2 * Math.round(Math.sqrt(target / 400) / 2);
  const estimate = async (s: number) => {
    const [m] = writeSweep(dir, [cnn(CHANNELS, s)]);
    return (await inspect(m?.model as string, { inputRange: [-1, 1] })).totals.constraints;
  };
  let e = await estimate(size);
  while (e > target) {
    size -= 2;
    e = await estimate(size);
  }
  for (let up = await estimate(size + 2); up <= target; up = await estimate(size + 2)) {
    size += 2;
    e = up;
  }
  return { size, estimate: e };
}

async function point(power: number, fill: number, work: string): Promise<ScalePoint> {
  const models = join(work, "models");
  const { size, estimate } = await sizeFor(power, fill, models);
  const [m] = writeSweep(models, [cnn(CHANNELS, size)]);
  if (!m) throw new Error("writeSweep wrote nothing");
  const buildDir = join(work, `build-2^${power}`);
  rmSync(buildDir, { recursive: true, force: true });
  const steps: ScaleStep[] = [];
  console.error(`2^${power}: ${m.name}, about ${estimate.toLocaleString("en-US")} constraints`);
  try {
    const o = await runInChild(
      {
        model: m.model,
        input: m.input,
        buildDir,
        system: "groth16",
        // Past the machine's default limit on purpose: the sweep is how that limit is found.
        compile: { inputRange: [-1, 1], maxConstraints: 2 ** power },
        evm: false,
      },
      (e) => {
        if (e.type === "step-start") steps.push({ step: e.step });
        else Object.assign(steps[steps.length - 1] ?? {}, { seconds: e.seconds, peakRss: e.peakRss });
        if (e.type === "step-end")
          console.error(`  ${e.step} ${e.seconds.toFixed(1)} s, ${(e.peakRss / 2 ** 30).toFixed(2)} GiB`);
      },
    );
    return {
      power,
      model: m.name,
      constraints: o.constraints,
      steps: o.steps,
      artifactBytes: o.artifactBytes,
      ok: true,
    };
  } catch (e) {
    const last = steps[steps.length - 1];
    const message = (e as Error).message.split("\n").slice(0, 3).join(" ");
    if (last && last.seconds === undefined) last.error = message;
    else steps.push({ step: "compile", error: message });
    console.error(`  failed: ${message}`);
    return { power, model: m.name, constraints: estimate, steps, ok: false };
  } finally {
    rmSync(buildDir, { recursive: true, force: true });
  }
}

const { values: a } = parseArgs({
  options: { powers: { type: "string", default: "19,20,21,22" }, fill: { type: "string", default: "0.92" } },
});
const work = join(here, "..", "build", "bench-scale");
mkdirSync(work, { recursive: true });
const out = join(here, "results", "scale.json");
// Points of powers not run now are kept (a long sweep can be done in parts), and the report is written
// after every point so that a killed run keeps what it measured.
const kept: ScalePoint[] = existsSync(out)
  ? (JSON.parse(readFileSync(out, "utf8")) as ScaleReport).points
  : [];
const powers = (a.powers ?? "").split(",").map(Number);
const points = kept.filter((p) => !powers.includes(p.power));
for (const p of powers) {
  points.push(await point(p, Number(a.fill), work));
  points.sort((x, y) => x.power - y.power);
  const report: ScaleReport = {
    zkmlc: VERSION,
    date: new Date().toISOString(),
    machine: describeMachine(),
    points,
  };
  await writeJsonAtomic(out, report);
}
rmSync(work, { recursive: true, force: true });
console.log(`wrote ${out}`);

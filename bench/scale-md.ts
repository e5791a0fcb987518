/** The "Size limits" section of bench/RESULTS.md, from bench/scale.ts's report. */
import { existsSync, readFileSync } from "node:fs";
import { int, mdTable, mib, secs } from "../src/bench/format.js";
import type { describeMachine } from "../src/bench/machine.js";
import { STEPS, type Step } from "../src/bench/types.js";

export interface ScaleStep {
  step: Step;
  seconds?: number;
  peakRss?: number;
  /** The step started and did not finish: its error (or how the process died). */
  error?: string;
}

export interface ScalePoint {
  power: number;
  model: string;
  constraints: number;
  steps: ScaleStep[];
  artifactBytes?: { r1cs: number; zkey: number };
  ok: boolean;
}

export interface ScaleReport {
  zkmlc: string;
  date: string;
  machine: ReturnType<typeof describeMachine>;
  points: ScalePoint[];
}

const gib = (v: number | undefined) => (v === undefined ? "–" : `${(v / 2 ** 30).toFixed(2)} GiB`);

function cell(p: ScalePoint, step: Step): string {
  const s = p.steps.find((x) => x.step === step);
  if (!s) return "–";
  if (s.error !== undefined) return "**failed**";
  return `${secs(s.seconds)} / ${gib(s.peakRss)}`;
}

/** The section's lines, or none when there is no report at `path`. */
export function scaleSection(path: string): string[] {
  if (!existsSync(path)) return [];
  const r = JSON.parse(readFileSync(path, "utf8")) as ScaleReport;
  const failures = r.points.flatMap((p) =>
    p.steps.filter((s) => s.error !== undefined).map((s) => `- 2^${p.power}, ${s.step}: ${s.error}`),
  );
  return [
    "## Size limits (`npm run bench:scale`)",
    "",
    `Sweep CNNs (one Conv 3×3 with 16 channels on a growing image) sized to fill each power of two, run once each`,
    `with the direct backend and a development Groth16 key, on ${r.machine.cores} cores and`,
    `${(r.machine.memoryBytes / 2 ** 30).toFixed(0)} GiB (${r.date.slice(0, 10)}, zkmlc ${r.zkmlc}). Each cell is the step's time / the`,
    "process's peak resident set.",
    "",
    mdTable(
      ["power", "model", "constraints", ...STEPS, "r1cs", "proving key"],
      r.points.map((p) => [
        `2^${p.power}`,
        p.model,
        int(p.constraints),
        ...STEPS.map((s) => cell(p, s)),
        mib(p.artifactBytes?.r1cs),
        mib(p.artifactBytes?.zkey),
      ]),
    ),
    "",
    ...(failures.length ? ["What failed:", "", ...failures, ""] : []),
  ];
}

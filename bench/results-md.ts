/**
 * bench/RESULTS.md from a suite report: the machine, the results, the charts (re-drawn from the JSON
 * into the report's folder) and the published figures of other projects, clearly apart.
 *
 * Usage: npx tsx bench/results-md.ts [report.json (default bench/results/suite.json)] [out.md (default bench/RESULTS.md)]
 * (`npm run bench:results`), e.g. after copying a final run's JSON into place.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { charts } from "../src/bench/charts.js";
import { int, mdTable, mib, secs } from "../src/bench/format.js";
import { renderMarkdown } from "../src/bench/markdown.js";
import { readReport } from "../src/bench/run-bench.js";
import { fitReport } from "../src/bench/stats.js";
import type { BenchReport } from "../src/bench/types.js";
import { overheadSection } from "./prove-md.js";
import { scaleSection } from "./scale-md.js";
import { visibilitySection } from "./visibility-md.js";

const PUBLISHED = [
  [
    "circomlib-ml",
    "MNIST MLP 784-56-10",
    "73,416",
    "2.35 s",
    "2.3 GB",
    "weights as private signals, 254-bit ReLU decomposition",
  ],
  ["circomlib-ml", "LeNet-like CNN", "2,558,720", "43.75 s", "18.7 GB", "setup took 6.7 h"],
  [
    "EZKL",
    "MNIST MLP 784-56-10",
    "–",
    "2.66 s",
    "–",
    "resource mode, 6.4% accuracy loss; 38 s in accuracy mode",
  ],
];

/** Our figures for the architectures the published numbers are about. */
function sideBySide(r: BenchReport): string {
  const ours = r.models.filter((m) => m.status === "ok" && /mnist_mlp|lenet/i.test(m.name));
  if (ours.length === 0) return "(the MNIST MLP and LeNet-5 did not run in this report)";
  return mdTable(
    [
      "model (zkmlc, this machine)",
      "constraints",
      "prove",
      "peak RSS (prove)",
      "setup",
      "argmax agreement with float",
    ],
    ours.map((m) => [
      m.name,
      int(m.constraints),
      secs(m.time?.prove.median),
      mib(m.peakRss?.prove.median),
      secs(m.time?.setup.median),
      m.accuracy ? `${(m.accuracy.argmaxAgreement * 100).toFixed(1)}% (${m.accuracy.samples} samples)` : "–",
    ]),
  );
}

export function publishedSection(r: BenchReport): string[] {
  return [
    "## Published figures from other hardware (not measured here)",
    "",
    "**These numbers were not measured on this machine.** They are figures published for other projects",
    "on other hardware with their own settings, quoted as published. Constraint counts compare directly",
    "(same architectures); times and memory only as orders of magnitude.",
    "",
    mdTable(["project", "model", "constraints", "prove", "memory", "notes"], PUBLISHED),
    "",
    "zkmlc on the same architectures, measured here (from the tables above):",
    "",
    sideBySide(r),
    "",
  ];
}

/** Writes the Markdown and the charts it embeds (into `svgDir`). */
export async function writeResultsMd(report: BenchReport, out: string, svgDir: string): Promise<string[]> {
  const drawn = await charts(report.models);
  mkdirSync(svgDir, { recursive: true });
  const written = drawn.map((c) => {
    const p = join(svgDir, c.file);
    writeFileSync(p, c.svg);
    return p;
  });
  const md = renderMarkdown(report, {
    title: "zkmlc benchmark results",
    charts: drawn,
    chartDir: relative(dirname(out), svgDir).split("\\").join("/"),
    extra: [
      ...scaleSection(join(svgDir, "scale.json")),
      ...visibilitySection(join(svgDir, "visibility.json")),
      ...overheadSection(join(svgDir, "prove.json"), join(svgDir, "startup.json")),
      ...publishedSection(report),
      "Regenerate this file from the suite's JSON with `npm run bench:results`; `npm run bench` re-measures.",
      "",
    ],
  });
  writeFileSync(out, md);
  return [...written, out];
}

if (resolve(process.argv[1] ?? "") === fileURLToPath(import.meta.url)) {
  const here = dirname(fileURLToPath(import.meta.url));
  const json = process.argv[2] ?? join(here, "results", "suite.json");
  const out = process.argv[3] ?? join(here, "RESULTS.md");
  // fits are derived data: re-fit so the report follows the current fitting rules
  const report = await readReport(json);
  const written = await writeResultsMd({ ...report, fits: fitReport(report.models) }, out, dirname(json));
  console.log(`wrote ${written.join(", ")}`);
}

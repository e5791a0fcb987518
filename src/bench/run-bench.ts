import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fail } from "../errors.js";
import { bench } from "./bench.js";
import { type Chart, charts } from "./charts.js";
import { type Comparison, compareReports } from "./compare.js";
import { renderMarkdown } from "./markdown.js";
import type { BenchOptions } from "./model.js";
import type { BenchReport, ModelSpec } from "./types.js";

export interface BenchRunOptions extends BenchOptions {
  /** Write the report as JSON here. */
  jsonOut?: string;
  /** Write the Markdown report here. */
  mdOut?: string;
  /** Write the SVG charts here (default: the Markdown file's folder, when there is one). */
  svgDir?: string;
  /** A baseline report (JSON) to gate against. */
  compare?: string;
  /** Allowed growth of a time ratio, as a fraction (0.2 = 20%). Default 0.2. */
  maxRegression?: number;
  title?: string;
  /** Extra Markdown sections. */
  extra?: string[];
}

export interface BenchRunResult {
  report: BenchReport;
  charts: Chart[];
  comparison?: Comparison;
  written: string[];
}

export async function readReport(path: string): Promise<BenchReport> {
  let r: BenchReport;
  try {
    r = JSON.parse(await readFile(path, "utf8")) as BenchReport;
  } catch (e) {
    fail("bad-input", `cannot read the benchmark report ${path}: ${(e as Error).message}`, { cause: e });
  }
  if (!Array.isArray(r?.models)) fail("bad-input", `${path} is not a zkmlc bench report (no "models")`);
  return r;
}

/** `zkmlc bench`: benchmark the models, draw the charts, write the reports, compare with a baseline. */
export async function runBench(specs: ModelSpec[], o: BenchRunOptions = {}): Promise<BenchRunResult> {
  // Read the baseline first: a typo should not cost a whole benchmark run.
  const baseline = o.compare ? await readReport(o.compare) : undefined;
  const report = await bench(specs, o);
  const comparison = baseline ? compareReports(report, baseline, o.maxRegression ?? 0.2) : undefined;
  const svgDir = o.svgDir ?? (o.mdOut ? dirname(o.mdOut) : undefined);
  const drawn = svgDir || o.mdOut ? await charts(report.models) : [];
  const written: string[] = [];
  const write = async (path: string, text: string) => {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
    written.push(path);
  };
  if (o.jsonOut) await write(o.jsonOut, `${JSON.stringify(report, null, 2)}\n`);
  if (svgDir) for (const c of drawn) await write(join(svgDir, c.file), c.svg);
  if (o.mdOut) {
    const chartDir = svgDir ? relative(dirname(o.mdOut), svgDir).split("\\").join("/") : undefined;
    await write(
      o.mdOut,
      renderMarkdown(report, { title: o.title, charts: drawn, chartDir, comparison, extra: o.extra }),
    );
  }
  return { report, charts: drawn, comparison, written };
}

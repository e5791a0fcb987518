/**
 * SVG charts drawn by Vega-Lite and rendered headless by Vega's SVG string renderer (no browser, no
 * canvas): scaling on log-log axes with the least-squares growth exponent of each family, and where
 * each model's time goes.
 */
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { fitLogLog } from "./stats.js";
import { type Fit, type ModelResult, STEPS } from "./types.js";

export interface Chart {
  /** File name (…svg). */
  file: string;
  title: string;
  svg: string;
}

/** Fonts most systems have, so the SVG looks the same in a browser and in headless converters. */
const FONT = "Helvetica, Arial, 'DejaVu Sans', 'Liberation Sans', sans-serif";

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const full = { ...spec, config: { font: FONT, ...(spec as { config?: object }).config } } as TopLevelSpec;
  const view = new vega.View(vega.parse(compile(full).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const fmtExp = (f: Fit | undefined) => (f ? f.exponent.toFixed(2) : "n/a");

interface Axis {
  title: string;
  get: (m: ModelResult) => number | undefined;
}

/** Points per model and the fitted power law per family, log-log. */
function scalingSpec(models: ModelResult[], x: Axis, y: Axis, title: string): TopLevelSpec {
  const families = [...new Set(models.map((m) => m.family))].sort();
  const fits = new Map(
    families.map((f) => [
      f,
      fitLogLog(models.filter((m) => m.family === f).map((m) => ({ x: x.get(m) ?? 0, y: y.get(m) ?? 0 }))),
    ]),
  );
  const all = fitLogLog(models.map((m) => ({ x: x.get(m) ?? 0, y: y.get(m) ?? 0 })));
  const series = (f: string) => `${f} (exponent ${fmtExp(fits.get(f))})`;
  const points = models.map((m) => ({ x: x.get(m), y: y.get(m), model: m.name, series: series(m.family) }));
  const lines = families.flatMap((f) => {
    const fit = fits.get(f);
    const xs = models.filter((m) => m.family === f).map((m) => x.get(m) ?? 0);
    if (!fit) return [];
    return [Math.min(...xs), Math.max(...xs)].map((v) => ({
      x: v,
      y: 10 ** (fit.intercept + fit.exponent * Math.log10(v)),
      series: series(f),
    }));
  });
  const enc = {
    x: { field: "x", type: "quantitative", scale: { type: "log" }, title: x.title },
    y: { field: "y", type: "quantitative", scale: { type: "log" }, title: y.title },
    color: {
      field: "series",
      type: "nominal",
      title: "family (fitted exponent)",
      legend: { titleLimit: 400, labelLimit: 400 },
    },
  } as const;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: title, subtitle: `least squares on log-log, all models: exponent ${fmtExp(all)}` },
    width: 480,
    height: 300,
    background: "white",
    layer: [
      { data: { values: lines }, mark: { type: "line", strokeDash: [4, 3] }, encoding: enc },
      {
        data: { values: points },
        mark: { type: "point", filled: true, size: 70 },
        encoding: { ...enc, tooltip: [{ field: "model" }] },
      },
      {
        data: { values: points },
        mark: { type: "text", align: "left", dx: 6, dy: -6, fontSize: 9 },
        encoding: { x: enc.x, y: enc.y, text: { field: "model" } },
      },
    ],
  } as TopLevelSpec;
}

function breakdownSpec(models: ModelResult[]): TopLevelSpec {
  const values = models.flatMap((m) =>
    STEPS.map((s, order) => ({ model: m.name, step: s, order, seconds: m.time?.[s].median ?? 0 })),
  );
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: "Where the time goes", subtitle: "median seconds per step" },
    width: 480,
    height: { step: 22 },
    background: "white",
    data: { values },
    mark: "bar",
    encoding: {
      y: { field: "model", type: "nominal", sort: null, title: null },
      x: { field: "seconds", type: "quantitative", stack: "zero", title: "seconds (median)" },
      color: { field: "step", type: "nominal", sort: [...STEPS], title: "step" },
      order: { field: "order", type: "quantitative" },
      tooltip: [{ field: "model" }, { field: "step" }, { field: "seconds", format: ".3f" }],
    },
  } as TopLevelSpec;
}

const params: Axis = { title: "parameters", get: (m) => m.parameters };
const constraints: Axis = { title: "constraints", get: (m) => m.constraints };
const prove: Axis = { title: "prove time (s, median)", get: (m) => m.time?.prove.median };

/** The report's charts for the models that ran; scaling charts need two of them. */
export async function charts(models: ModelResult[]): Promise<Chart[]> {
  const ok = models.filter((m) => m.status === "ok");
  const specs: { file: string; title: string; spec: TopLevelSpec }[] = [];
  if (ok.length >= 2) {
    specs.push(
      {
        file: "prove-vs-parameters.svg",
        title: "Prove time vs parameters",
        spec: scalingSpec(ok, params, prove, "Prove time vs parameters"),
      },
      {
        file: "constraints-vs-parameters.svg",
        title: "Constraints vs parameters",
        spec: scalingSpec(ok, params, constraints, "Constraints vs parameters"),
      },
      {
        file: "prove-vs-constraints.svg",
        title: "Prove time vs constraints",
        spec: scalingSpec(ok, constraints, prove, "Prove time vs constraints"),
      },
    );
  }
  if (ok.length >= 1)
    specs.push({ file: "time-breakdown.svg", title: "Where the time goes", spec: breakdownSpec(ok) });
  return Promise.all(
    specs.map(async (s) => ({ file: s.file, title: s.title, svg: await renderSvg(s.spec) })),
  );
}

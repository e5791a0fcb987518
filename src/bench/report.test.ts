import { describe, expect, it } from "vitest";
import { charts } from "./charts.js";
import { compareReports } from "./compare.js";
import { renderMarkdown } from "./markdown.js";
import { fitReport } from "./stats.js";
import { summaryText } from "./text.js";
import { type BenchReport, type ModelResult, STEPS } from "./types.js";

const s = (v: number) => ({ median: v, min: v, max: v });

function model(
  name: string,
  family: string,
  parameters: number,
  constraints: number,
  prove: number,
): ModelResult {
  return {
    name,
    model: `${name}.onnx`,
    family,
    sha256: name,
    status: "ok",
    system: "groth16",
    inputVisibility: "private",
    parameters,
    constraints,
    runs: 1,
    time: Object.fromEntries(STEPS.map((st) => [st, s(st === "prove" ? prove : 0.1)])) as ModelResult["time"],
    peakRss: Object.fromEntries(STEPS.map((st) => [st, s(300 * 2 ** 20)])) as ModelResult["peakRss"],
    nativeInference: 1e-5,
    proveOverNative: prove / 1e-5,
    ratios: Object.fromEntries(STEPS.map((st) => [st, 1])) as ModelResult["ratios"],
    native: [
      { backend: "onnxruntime-node (CPU, 1 thread)", ran: true, median: 1e-5 },
      { backend: "tfjs-node (libtensorflow)", ran: false, reason: "not installed" },
    ],
    proofBytes: { json: 800, binary: 256 },
  };
}

// prove time grows as parameters^1.5 and constraints linearly in parameters
const models = [10, 100, 1000].map((p, i) => model(`mlp-${i}`, "mlp", p, 10 * p, 1e-3 * p ** 1.5));
const skipped: ModelResult = {
  ...model("cnn-x", "cnn", 5, 0, 0),
  status: "skipped",
  skipped: { code: "unsupported-op", message: '1 node(s) use unsupported ops: #0 "conv" (Conv)' },
};
const report: BenchReport = {
  zkmlc: "0.0.0",
  date: "2026-01-01T00:00:00.000Z",
  machine: {
    cpu: "Test CPU",
    cores: 2,
    mhz: 0,
    memoryBytes: 2 ** 34,
    platform: "linux x64",
    release: "6",
    node: "v20",
    onnxruntime: "1.30.0",
  },
  runs: 1,
  system: "groth16",
  memoryMethod: "test",
  models: [...models, skipped],
  fits: fitReport([...models, skipped]),
};

describe("charts and Markdown report", () => {
  it("draws log-log scaling charts titled with the fitted exponents, and the time breakdown", async () => {
    const c = await charts(report.models);
    expect(c.map((x) => x.file)).toEqual([
      "prove-vs-parameters.svg",
      "constraints-vs-parameters.svg",
      "prove-vs-constraints.svg",
      "time-breakdown.svg",
    ]);
    for (const x of c) expect(x.svg).toMatch(/^<svg[\s\S]*<\/svg>$/);
    const prove = c[0]?.svg ?? "";
    expect(prove).toContain("mlp (exponent 1.50)");
    expect(prove).toContain("all models: exponent 1.50");
    expect(c[1]?.svg).toContain("mlp (exponent 1.00)");
    const breakdown = c[3]?.svg ?? "";
    for (const m of models) expect(breakdown).toContain(m.name);
    expect(breakdown).not.toContain("cnn-x"); // skipped models have no times
  });

  it("has no scaling chart for a single model", async () => {
    expect((await charts(models.slice(0, 1))).map((x) => x.file)).toEqual(["time-breakdown.svg"]);
  });

  it("reports the machine, backends (skipped with reason), exponents, charts, skips and the comparison", async () => {
    const worse = { ...report, models: [{ ...models[0], constraints: 101 } as ModelResult] };
    const md = renderMarkdown(report, {
      charts: await charts(report.models),
      chartDir: "results",
      comparison: compareReports(worse, report, 0.2),
    });
    expect(md).toContain("Test CPU (2 logical cores), 16.0 GiB RAM");
    expect(md).toContain("- tfjs-node (libtensorflow): skipped (not installed)");
    expect(md).toMatch(/\| prove time vs parameters\s*\| mlp\s*\| 1\.50\s*\|/);
    expect(md).toContain("![Prove time vs parameters](results/prove-vs-parameters.svg)");
    expect(md).toContain("**cnn-x**: not benchmarked, `unsupported-op`");
    expect(md).toMatch(
      /\| mlp-0\s*\| constraints\s*\| 100\s*\| 101\s*\| \+1\.0%\s*\| \+0\.0%\s*\| \*\*REGRESSED\*\*\s*\|/,
    );
    // columns are padded to one width, as Biome formats Markdown tables
    const rows = md
      .split("\n")
      .filter((l) => l.startsWith("| mlp-0") && /\| (ok|\*\*REGRESSED\*\*)\s*\|$/.test(l));
    expect(rows).toHaveLength(1 + STEPS.length);
    expect(new Set(rows.map((l) => [...l].length)).size).toBe(1);
    expect(md).toContain("**REGRESSION**");
  });
});

/** The cell of a terminal table (columns at least two spaces apart) under `column`, in the row of `model`. */
function cell(text: string, model: string, column: string): string | undefined {
  const lines = text.split("\n");
  const at = lines[0]?.indexOf(column) ?? -1;
  const row = lines.find((l) => l.startsWith(`${model} `));
  return at < 0 ? undefined : row?.slice(at).split(/\s{2,}/)[0];
}

describe("batch proving in the reports", () => {
  const batched: BenchReport = {
    ...report,
    models: [
      {
        ...(models[0] as ModelResult),
        batch: {
          proofs: 3,
          proofsPerMinute: { median: 42.46, min: 40, max: 45 },
          provePerProof: s(0.5),
          provePerProofOverNative: 5e4,
          peakRss: s(400 * 2 ** 20),
        },
      },
      models[1] as ModelResult,
      skipped,
    ],
  };

  it("shows proofs per minute in the terminal summary, a dash for a model without a batch", () => {
    const text = summaryText(batched).join("\n");
    expect(cell(text, "mlp-0", "proofs/min")).toBe("42.5");
    expect(cell(text, "mlp-1", "proofs/min")).toBe("–");
    expect(cell(text, "mlp-0", "prove/native")).toBe("3,162×"); // the columns after it stay aligned
  });

  it("gives the Markdown report a proofs / min column and a batch section, left out without a batch", () => {
    const md = renderMarkdown(batched);
    expect(md).toMatch(/\| model\s*\| parameters\s*\| constraints\s*\| prove\s*\| proofs \/ min\s*\|/);
    expect(md).toContain("## Batch proving");
    expect(md).toMatch(
      /\| mlp-0\s*\| 3\s*\| 42\.5 \[40\.0–45\.0\]\s*\| 500 ms\s*\| 31\.6 ms\s*\| 400 MiB\s*\|/,
    );
    expect(md).not.toMatch(/\| mlp-1\s*\| 3\s*\|/);
    expect(renderMarkdown(report)).not.toContain("## Batch proving");
  });
});

import type { Chart } from "./charts.js";
import type { Comparison } from "./compare.js";
import { int, mdTable, mib, pct, rate, ratio, secs, spread } from "./format.js";
import { machineLine } from "./machine.js";
import { type BenchReport, type Fit, type ModelResult, STEPS } from "./types.js";

export interface MarkdownOptions {
  title?: string;
  /** The charts, and the folder they are written to relative to the Markdown file. */
  charts?: Chart[];
  chartDir?: string;
  comparison?: Comparison;
  /** Extra sections appended at the end (e.g. published figures). */
  extra?: string[];
}

const backendsLine = (models: ModelResult[]) => {
  const seen = new Map<string, string>();
  for (const m of models)
    for (const n of m.native ?? [])
      if (!seen.has(n.backend) || n.ran) seen.set(n.backend, n.ran ? "ran" : `skipped (${n.reason ?? "?"})`);
  return [...seen].map(([b, s]) => `- ${b}: ${s}`);
};

function accuracyCell(m: ModelResult): string {
  const a = m.accuracy;
  if (!a) return "–";
  return `${(a.argmaxAgreement * 100).toFixed(1)}% of ${int(a.samples - a.outOfRange)}`;
}

function fitRows(name: string, fits: Record<string, Fit>): string[][] {
  return Object.entries(fits).map(([family, f]) => [
    name,
    family,
    f.exponent.toFixed(2),
    f.r2.toFixed(3),
    String(f.points),
  ]);
}

/** The batch measurement's section (absent when no model had one, as with --batch 0). */
function batchSection(ok: ModelResult[]): string[] {
  const withBatch = ok.filter((m) => m.batch);
  if (withBatch.length === 0) return [];
  return [
    "## Batch proving",
    "",
    "Copies of the input proved by one `zkmlc prove --input <array>` call per run (the build, proving key and onnxruntime loaded once), then verified:",
    "",
    mdTable(
      ["model", "proofs per call", "proofs / min", "prove per proof", "single prove", "peak RSS (batch)"],
      withBatch.map((m) => [
        m.name,
        String(m.batch?.proofs),
        spread(m.batch?.proofsPerMinute, rate),
        spread(m.batch?.provePerProof),
        spread(m.time?.prove),
        mib(m.batch?.peakRss.median),
      ]),
    ),
    "",
  ];
}

export function comparisonMarkdown(c: Comparison): string {
  const lines = [
    c.ok
      ? `**No regression** (constraints may not grow; time ratios may grow by at most ${(c.maxRegression * 100).toFixed(0)}%).`
      : `**REGRESSION** (constraints may not grow; time ratios may grow by at most ${(c.maxRegression * 100).toFixed(0)}%).`,
    "",
    mdTable(
      ["model", "metric", "baseline", "now", "change", "limit", "status"],
      c.rows.map((r) => [
        r.model,
        r.metric,
        r.metric === "constraints" ? int(r.baseline) : ratio(r.baseline),
        r.metric === "constraints" ? int(r.current) : ratio(r.current),
        pct(r.change),
        pct(r.limit),
        r.regressed ? "**REGRESSED**" : "ok",
      ]),
    ),
  ];
  for (const p of c.problems) lines.push("", `- **${p.model}**: ${p.problem}`);
  if (c.notInBaseline.length > 0)
    lines.push("", `Not in the baseline (not compared): ${c.notInBaseline.join(", ")}.`);
  return lines.join("\n");
}

/** The whole report as Markdown; charts are linked relative to the Markdown file. */
export function renderMarkdown(r: BenchReport, o: MarkdownOptions = {}): string {
  const ok = r.models.filter((m) => m.status === "ok");
  const skipped = r.models.filter((m) => m.status === "skipped");
  const out: string[] = [
    `# ${o.title ?? "zkmlc benchmark"}`,
    "",
    `zkmlc ${r.zkmlc}, ${r.date.slice(0, 10)}, ${r.system}, ${r.runs} run${r.runs === 1 ? "" : "s"} per model: medians, with [min–max] where runs differ.`,
    "",
    `**Machine:** ${machineLine(r.machine)}.`,
    "",
    "**Native baselines** (float inference of the same ONNX model on one input, median of many calls after a warm-up):",
    "",
    ...backendsLine(r.models),
    "",
    `**Memory:** ${r.memoryMethod}. A peak is the whole process's, so it includes Node, the loaded libraries and the curve's worker threads: the "at start-up" column.`,
    "",
    "## Results",
    "",
    mdTable(
      [
        "model",
        "parameters",
        "constraints",
        "prove",
        "proofs / min",
        "native inference",
        "prove / native",
        "peak RSS (prove)",
        "proof",
        "verify gas",
        "accuracy vs float",
      ],
      ok.map((m) => [
        m.name,
        int(m.parameters),
        int(m.constraints),
        spread(m.time?.prove),
        rate(m.batch?.proofsPerMinute.median),
        secs(m.nativeInference),
        ratio(m.proveOverNative),
        mib(m.peakRss?.prove.median),
        m.proofBytes ? `${m.proofBytes.binary} B (${int(m.proofBytes.json)} B JSON)` : "–",
        m.evm ? int(m.evm.verifyGas) : "–",
        accuracyCell(m),
      ]),
    ),
    "",
    "## Time per step",
    "",
    mdTable(
      ["model", ...STEPS, "total", "process start-up (not in steps)"],
      ok.map((m) => [
        m.name,
        ...STEPS.map((s) => spread(m.time?.[s])),
        secs(STEPS.reduce((a, s) => a + (m.time?.[s].median ?? 0), 0)),
        secs(m.startup?.median),
      ]),
    ),
    "",
    "Each step as a ratio to native inference (onnxruntime), the figures the baseline gate compares:",
    "",
    mdTable(
      ["model", ...STEPS.map((s) => `${s} / native`)],
      ok.map((m) => [m.name, ...STEPS.map((s) => ratio(m.ratios?.[s]))]),
    ),
    "",
    ...batchSection(ok),
    "## Peak memory per step (median)",
    "",
    mdTable(
      ["model", "at start-up", ...STEPS],
      ok.map((m) => [m.name, mib(m.startupRss?.median), ...STEPS.map((s) => mib(m.peakRss?.[s].median))]),
    ),
    "",
    "## Native inference per backend (median per inference)",
    "",
  ];
  const backends = [...new Set(ok.flatMap((m) => (m.native ?? []).map((n) => n.backend)))];
  out.push(
    mdTable(
      ["model", ...backends],
      ok.map((m) => [
        m.name,
        ...backends.map((b) => {
          const n = m.native?.find((x) => x.backend === b);
          return n?.ran ? secs(n.median) : "skipped";
        }),
      ]),
    ),
    "",
  );
  const fitTable = [
    ...fitRows("prove time vs parameters", r.fits.proveVsParameters),
    ...fitRows("constraints vs parameters", r.fits.constraintsVsParameters),
    ...fitRows("prove time vs constraints", r.fits.proveVsConstraints),
  ];
  if (fitTable.length > 0) {
    out.push(
      "## Growth exponents",
      "",
      "y ≈ c·x^exponent, least squares on log-log (1 = linear growth).",
      "",
      mdTable(["relation", "family", "exponent", "r²", "models"], fitTable),
      "",
    );
  }
  if (o.charts && o.charts.length > 0) {
    out.push("## Charts", "");
    for (const c of o.charts) out.push(`![${c.title}](${o.chartDir ? `${o.chartDir}/` : ""}${c.file})`, "");
  }
  const evmSkipped = ok.filter((m) => m.evmSkipped);
  if (skipped.length > 0 || evmSkipped.length > 0) {
    out.push("## Skipped", "");
    for (const m of skipped)
      out.push(`- **${m.name}**: not benchmarked, \`${m.skipped?.code}\`: ${m.skipped?.message}`);
    for (const m of evmSkipped) out.push(`- **${m.name}**: no EVM gas: ${m.evmSkipped}`);
    out.push("");
  }
  if (o.comparison) out.push("## Comparison with the baseline", "", comparisonMarkdown(o.comparison), "");
  out.push(
    "## How to read this",
    "",
    "- **prove / native** is the headline: median proving time divided by the median time of one float inference of the same model with onnxruntime-node (CPU, one thread) on the same machine in the same run. Ratios travel between machines far better than seconds.",
    "- Each step runs in a fresh process and a fresh build directory per run; keys are never reused from the cache. **witness** is the `zkmlc witness` step (input checks, witness, comparison with onnxruntime); **prove** is snarkjs proving alone; process start-up (module loading, BN254 worker threads) is reported apart.",
    "- **proofs / min** is the batch's proofs · 60 / the seconds of its whole `zkmlc prove --input <array>` call, loading the build, proving key and onnxruntime included: the throughput of proving many inputs. **prove per proof** is snarkjs proving alone, once loaded.",
    "- **proof** is the size an on-chain verifier takes (32 bytes per field element); **verify gas** is the whole `verifyProof` transaction on an in-process EVM.",
    "- **accuracy vs float**: share of samples whose circuit output has the same argmax as onnxruntime's.",
    "",
  );
  if (o.extra) out.push(...o.extra);
  return `${out.join("\n").trimEnd()}\n`;
}

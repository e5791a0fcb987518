import { table } from "../format.js";
import type { Comparison } from "./compare.js";
import { int, mib, pct, rate, ratio, secs } from "./format.js";
import type { BenchReport } from "./types.js";

/** The terminal summary: one row per model. */
export function summaryText(r: BenchReport): string[] {
  const rows = r.models.map((m) =>
    m.status === "ok"
      ? [
          m.name,
          int(m.parameters),
          int(m.constraints),
          secs(m.time?.setup.median),
          secs(m.time?.prove.median),
          rate(m.batch?.proofsPerMinute.median),
          secs(m.nativeInference),
          ratio(m.proveOverNative),
          mib(m.peakRss?.prove.median),
          m.evm ? int(m.evm.verifyGas) : "–",
        ]
      : [m.name, int(m.parameters), `skipped: ${m.skipped?.code}`, "", "", "", "", "", "", ""],
  );
  return [
    table(
      [
        "model",
        "parameters",
        "constraints",
        "setup",
        "prove",
        "proofs/min",
        "native",
        "prove/native",
        "peak RSS",
        "verify gas",
      ],
      rows,
    ),
    ...r.models.filter((m) => m.status === "skipped").map((m) => `${m.name}: ${m.skipped?.message}`),
  ];
}

/** The comparison: every compared figure, regressions marked, then the verdict. */
export function comparisonText(c: Comparison): string[] {
  const lines = [
    table(
      ["model", "metric", "baseline", "now", "change", "limit", "status"],
      c.rows.map((r) => [
        r.model,
        r.metric,
        r.metric === "constraints" ? int(r.baseline) : ratio(r.baseline),
        r.metric === "constraints" ? int(r.current) : ratio(r.current),
        pct(r.change),
        pct(r.limit),
        r.regressed ? "REGRESSED" : "ok",
      ]),
    ),
  ];
  for (const p of c.problems) lines.push(`${p.model}: ${p.problem}`);
  if (c.notInBaseline.length > 0)
    lines.push(`not in the baseline (not compared): ${c.notInBaseline.join(", ")}`);
  const bad = c.rows.filter((r) => r.regressed);
  lines.push(
    c.ok
      ? "no regression against the baseline"
      : `REGRESSION: ${[...bad.map((r) => `${r.model} ${r.metric} ${pct(r.change)}`), ...c.problems.map((p) => `${p.model}: ${p.problem}`)].join("; ")}`,
  );
  return lines;
}

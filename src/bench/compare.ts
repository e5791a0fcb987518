/**
 * The regression gate against a committed baseline. Constraints are deterministic: any growth fails.
 * Times differ between machines, so they are compared as ratios to the native inference time measured
 * in the same run (step median / onnxruntime median); a ratio that grew by more than the allowed
 * fraction fails. Models are matched by name, proof system and input visibility; a baseline model
 * whose ONNX file changed, or that ran before and is skipped now, fails too. The batch proving time per
 * proof is compared the same way when both reports measured it (older baselines did not).
 */
import { fail } from "../errors.js";
import { type BenchReport, type ModelResult, STEPS } from "./types.js";

export interface CompareRow {
  model: string;
  metric: string;
  baseline: number;
  current: number;
  /** current / baseline - 1. */
  change: number;
  /** Largest allowed change. */
  limit: number;
  regressed: boolean;
}

export interface Comparison {
  maxRegression: number;
  rows: CompareRow[];
  /** Hard failures that are not a number growing (model changed, no longer compiles). */
  problems: { model: string; problem: string }[];
  /** Models of this run the baseline does not have. */
  notInBaseline: string[];
  ok: boolean;
}

/** "20%" or "20" (percent); returns the fraction (0.2). */
export function parseMaxRegression(v: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(v);
  if (!m) fail("bad-input", `--max-regression takes a percentage such as 20%, got "${v}"`);
  return Number(m[1]) / 100;
}

const key = (m: ModelResult) => `${m.name}|${m.system}|${m.inputVisibility}`;

function row(model: string, metric: string, baseline: number, current: number, limit: number): CompareRow {
  const change = baseline === 0 ? (current === 0 ? 0 : Number.POSITIVE_INFINITY) : current / baseline - 1;
  return { model, metric, baseline, current, change, limit, regressed: !(change <= limit) };
}

export function compareReports(
  current: BenchReport,
  baseline: BenchReport,
  maxRegression: number,
): Comparison {
  if (!(maxRegression >= 0)) fail("bad-input", "--max-regression must be a non-negative percentage");
  const base = new Map(baseline.models.map((m) => [key(m), m]));
  const rows: CompareRow[] = [];
  const problems: Comparison["problems"] = [];
  const notInBaseline: string[] = [];
  for (const m of current.models) {
    const b = base.get(key(m));
    if (!b) {
      notInBaseline.push(m.name);
      continue;
    }
    if (b.sha256 !== m.sha256) {
      problems.push({
        model: m.name,
        problem: "the ONNX file differs from the baseline's; update the baseline",
      });
      continue;
    }
    if (m.status !== "ok" || b.status !== "ok") {
      if (b.status === "ok")
        problems.push({
          model: m.name,
          problem: `ran in the baseline, skipped now: ${m.skipped?.message ?? ""}`,
        });
      continue;
    }
    rows.push(row(m.name, "constraints", b.constraints ?? 0, m.constraints ?? 0, 0));
    for (const s of STEPS) {
      const bs = b.ratios?.[s];
      const cs = m.ratios?.[s];
      if (bs !== undefined && cs !== undefined)
        rows.push(row(m.name, `${s} / native`, bs, cs, maxRegression));
    }
    const bb = b.batch?.provePerProofOverNative;
    const cb = m.batch?.provePerProofOverNative;
    if (bb !== undefined && cb !== undefined)
      rows.push(row(m.name, "batch prove / native", bb, cb, maxRegression));
  }
  if (rows.length === 0 && problems.length === 0)
    problems.push({
      model: "(all)",
      problem: "no model of this run is in the baseline: nothing was compared",
    });
  return {
    maxRegression,
    rows,
    problems,
    notInBaseline,
    ok: problems.length === 0 && rows.every((r) => !r.regressed),
  };
}

import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compareReports, parseMaxRegression } from "./compare.js";
import { readReport } from "./run-bench.js";
import { type BenchReport, type ModelResult, STEPS } from "./types.js";

function model(
  name: string,
  constraints: number,
  proveRatio: number,
  extra: Partial<ModelResult> = {},
): ModelResult {
  const ratios = Object.fromEntries(
    STEPS.map((s) => [s, s === "prove" ? proveRatio : 1000]),
  ) as ModelResult["ratios"];
  return {
    name,
    model: `${name}.onnx`,
    family: "mlp",
    sha256: `sha-${name}`,
    status: "ok",
    system: "groth16",
    inputVisibility: "private",
    parameters: 10,
    runs: 1,
    constraints,
    ratios,
    ...extra,
  };
}

const report = (models: ModelResult[]) => ({ models }) as unknown as BenchReport;
const baseline = report([model("mnist", 8618, 100_000), model("tiny", 115, 4000)]);

const s = (v: number) => ({ median: v, min: v, max: v });
/** A batch measurement whose time per proof is `ratio` native inferences. */
const batch = (ratio: number): Partial<ModelResult> => ({
  batch: {
    proofs: 3,
    proofsPerMinute: s(20),
    provePerProof: s(1),
    provePerProofOverNative: ratio,
    peakRss: s(1),
  },
});
const batchRows = (rows: { metric: string }[]) => rows.filter((r) => r.metric === "batch prove / native");

describe("baseline comparison", () => {
  it("passes on the baseline itself", () => {
    const c = compareReports(baseline, baseline, 0.2);
    expect(c.ok).toBe(true);
    expect(c.rows).toHaveLength(2 * (1 + STEPS.length));
    expect(c.rows.every((r) => !r.regressed && r.change === 0)).toBe(true);
  });

  it("fails when constraints grow at all, and names the model and metric", () => {
    const c = compareReports(report([model("mnist", 8619, 100_000)]), baseline, 0.2);
    expect(c.ok).toBe(false);
    const bad = c.rows.filter((r) => r.regressed);
    expect(bad).toEqual([
      expect.objectContaining({ model: "mnist", metric: "constraints", baseline: 8618, current: 8619 }),
    ]);
  });

  it("fails when a time ratio grows beyond the threshold, passes within it or when it improves", () => {
    expect(compareReports(report([model("mnist", 8618, 125_000)]), baseline, 0.2).ok).toBe(false);
    const within = compareReports(report([model("mnist", 8618, 119_000)]), baseline, 0.2);
    expect(within.ok).toBe(true);
    expect(within.rows.find((r) => r.metric === "prove / native")?.change).toBeCloseTo(0.19, 10);
    expect(compareReports(report([model("mnist", 8000, 50_000)]), baseline, 0).ok).toBe(true);
  });

  it("refuses a changed model, a model that no longer runs, and a run with nothing to compare", () => {
    const changed = compareReports(report([model("mnist", 8618, 1, { sha256: "other" })]), baseline, 0.2);
    expect(changed.ok).toBe(false);
    expect(changed.problems[0]?.problem).toMatch(/differs from the baseline/);
    const skipped = compareReports(
      report([
        model("mnist", 0, 1, { status: "skipped", skipped: { code: "unsupported-op", message: "Conv" } }),
      ]),
      baseline,
      0.2,
    );
    expect(skipped.ok).toBe(false);
    expect(skipped.problems[0]?.problem).toMatch(/skipped now: Conv/);
    const unknown = compareReports(report([model("new", 1, 1)]), baseline, 0.2);
    expect(unknown.notInBaseline).toEqual(["new"]);
    expect(unknown.ok).toBe(false);
    // another proof system is another baseline entry
    expect(compareReports(report([model("mnist", 8618, 1, { system: "plonk" })]), baseline, 0.2).ok).toBe(
      false,
    );
  });

  it("compares the batch time per proof when both reports have it, like the step ratios", () => {
    const withBatch = report([model("mnist", 8618, 100_000, batch(90_000))]);
    expect(batchRows(compareReports(withBatch, withBatch, 0.2).rows)).toHaveLength(1);
    const worse = compareReports(report([model("mnist", 8618, 100_000, batch(110_000))]), withBatch, 0.2);
    expect(worse.ok).toBe(false);
    expect(worse.rows.filter((r) => r.regressed)).toEqual([
      expect.objectContaining({ model: "mnist", metric: "batch prove / native", baseline: 90_000 }),
    ]);
  });

  it("ignores the batch figures when either report lacks them (an older baseline, or --batch 0)", () => {
    const withBatch = report([model("mnist", 8618, 100_000, batch(1)), model("tiny", 115, 4000, batch(1))]);
    for (const c of [compareReports(withBatch, baseline, 0.2), compareReports(baseline, withBatch, 0.2)]) {
      expect(c.ok).toBe(true);
      expect(c.rows).toHaveLength(2 * (1 + STEPS.length));
      expect(batchRows(c.rows)).toEqual([]);
    }
  });

  it("passes against the committed baseline, which predates the batch figures", async () => {
    const committed = await readReport(fileURLToPath(new URL("../../bench/BASELINE.json", import.meta.url)));
    expect(committed.models.every((m) => m.batch === undefined)).toBe(true);
    const now = { ...committed, models: committed.models.map((m) => ({ ...m, ...batch(1) })) };
    const c = compareReports(now, committed, 0.2);
    expect(c.ok).toBe(true);
    expect(batchRows(c.rows)).toEqual([]);
  });

  it("reads --max-regression as a percentage", () => {
    expect(parseMaxRegression("20%")).toBeCloseTo(0.2, 12);
    expect(parseMaxRegression("150")).toBeCloseTo(1.5, 12);
    expect(() => parseMaxRegression("-5%")).toThrow(/percentage/);
    expect(() => parseMaxRegression("abc")).toThrow(/percentage/);
  });
});

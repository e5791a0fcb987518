import { describe, expect, it } from "vitest";
import { compareReports, parseMaxRegression } from "./compare.js";
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

  it("reads --max-regression as a percentage", () => {
    expect(parseMaxRegression("20%")).toBeCloseTo(0.2, 12);
    expect(parseMaxRegression("150")).toBeCloseTo(1.5, 12);
    expect(() => parseMaxRegression("-5%")).toThrow(/percentage/);
    expect(() => parseMaxRegression("abc")).toThrow(/percentage/);
  });
});

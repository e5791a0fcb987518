import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BenchReport } from "../../src/bench/types.js";
import { STEPS } from "../../src/bench/types.js";
import { zkmlc } from "../support/cli.js";

// The tiny example, one run each: a baseline, the same build against it, and a worse build.
const tmp = mkdtempSync(join(tmpdir(), "zkmlc-bench-e2e-"));
const base = join(tmp, "base.json");
const model = "examples/tiny/model.onnx";
let report: BenchReport;

/** The cell of the text summary under `column`, in the row of `model` (columns two spaces apart). */
function cell(text: string, model: string, column: string): string | undefined {
  const lines = text.split("\n");
  const at = lines[0]?.indexOf(column) ?? -1;
  const row = lines.find((l) => l.startsWith(`${model} `));
  return at < 0 ? undefined : row?.slice(at).split(/\s{2,}/)[0];
}

beforeAll(() => {
  const r = zkmlc(
    "bench",
    model,
    "--runs",
    "1",
    "--input-range",
    "-1,1",
    "--json",
    base,
    "--md",
    join(tmp, "r.md"),
  );
  expect(r.code, r.stderr + r.stdout).toBe(0);
  expect(r.stderr).toBe(""); // not a terminal: no progress
  report = JSON.parse(readFileSync(base, "utf8")) as BenchReport;
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("zkmlc bench", () => {
  it("measures every step, memory, sizes, gas and the native baseline of the model", () => {
    const m = report.models[0];
    expect(m?.status).toBe("ok");
    expect(m?.name).toBe("tiny");
    expect(m?.constraints).toBe(115);
    expect(m?.parameters).toBe(23);
    for (const s of STEPS) {
      expect(m?.time?.[s].median).toBeGreaterThan(0);
      // a step's peak includes the process's resident set at start-up
      expect(m?.peakRss?.[s].median).toBeGreaterThanOrEqual((m?.startupRss?.median ?? 0) * 0.9);
    }
    expect(m?.proofBytes?.binary).toBe(256);
    expect(m?.evm?.valid).toBe(true);
    expect(m?.evm?.verifyGas).toBeGreaterThan(100_000);
    expect(m?.native?.[0]?.ran).toBe(true);
    expect(m?.proveOverNative).toBeCloseTo((m?.time?.prove.median ?? 0) / (m?.nativeInference ?? 1), 6);
    expect(readFileSync(join(tmp, "r.md"), "utf8")).toContain("![Where the time goes](time-breakdown.svg)");
  });

  it("proves a batch of 3 by default and reports proofs per minute", () => {
    const b = report.models[0]?.batch;
    expect(b?.proofs).toBe(3);
    const perMinute = b?.proofsPerMinute.median ?? 0;
    expect(perMinute).toBeGreaterThan(0);
    expect(b?.provePerProof.median).toBeGreaterThan(0);
    // the whole call (loading included) takes longer than its proving alone
    expect(perMinute).toBeLessThan(60 / (b?.provePerProof.median ?? 0));
    expect(readFileSync(join(tmp, "r.md"), "utf8")).toContain("## Batch proving");
  });

  it("passes against a baseline of the same build", () => {
    const r = zkmlc(
      "bench",
      model,
      "--runs",
      "1",
      "--input-range",
      "-1,1",
      "--compare",
      base,
      "--max-regression",
      "1000%",
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(Number(cell(r.stdout, "tiny", "proofs/min")?.replace(/,/g, ""))).toBeGreaterThan(0);
    expect(r.stdout).toMatch(/tiny\s+batch prove \/ native\s+.*\s+ok$/m);
    expect(r.stdout).toContain("no regression against the baseline");
  });

  it("fails on a worse build (higher --param-scale: more constraints) and says what regressed", () => {
    // A baseline without batch figures (as the committed one): the batch is not compared, not a failure.
    const old = join(tmp, "old.json");
    const older = JSON.parse(readFileSync(base, "utf8")) as BenchReport;
    for (const m of older.models) delete m.batch;
    writeFileSync(old, JSON.stringify(older));
    const r = zkmlc(
      "bench",
      model,
      "--runs",
      "1",
      "--input-range",
      "-1,1",
      "--param-scale",
      "20",
      "--batch",
      "0",
      "--compare",
      old,
      "--max-regression",
      "1000%",
    );
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/tiny\s+constraints\s+115\s+\d[\d,]*\s+\+\d+\.\d%\s+\+0\.0%\s+REGRESSED/);
    expect(r.stdout).toMatch(/REGRESSION: tiny constraints \+/);
    expect(r.stdout).not.toContain("batch prove");
    expect(cell(r.stdout, "tiny", "proofs/min")).toBe("–");
  });
});

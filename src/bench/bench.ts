import { releaseCurves } from "../6-prove/curve.js";
import { fail } from "../errors.js";
import { VERSION } from "../version.js";
import { describeMachine } from "./machine.js";
import { PeakMeter } from "./memory.js";
import { type BenchOptions, benchModel } from "./model.js";
import { fitReport } from "./stats.js";
import type { BenchReport, ModelResult, ModelSpec } from "./types.js";

/** How this machine measures peak memory (what a measurement process will do, probed here). */
function memoryMethod(): string {
  const m = new PeakMeter();
  m.start();
  m.stop();
  return m.method;
}

/** Benchmarks every model in turn (never in parallel: they would disturb each other's timings). */
export async function bench(specs: ModelSpec[], opts: BenchOptions = {}): Promise<BenchReport> {
  const names = specs.map((s) => s.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined)
    fail("bad-input", `two models are named "${dup}"; the report and baseline key on names`);
  if (opts.batch !== undefined && !(Number.isInteger(opts.batch) && opts.batch >= 0))
    fail("bad-input", `--batch takes a number of proofs (0: no batch measurement), got ${opts.batch}`);
  const models: ModelResult[] = [];
  try {
    for (const [i, spec] of specs.entries()) {
      opts.onProgress?.({ type: "model-start", name: spec.name, index: i, total: specs.length });
      const result = await benchModel(spec, opts);
      opts.onProgress?.({ type: "model-end", name: spec.name, result });
      models.push(result);
    }
  } finally {
    await releaseCurves();
  }
  return {
    zkmlc: VERSION,
    date: new Date().toISOString(),
    machine: describeMachine(),
    runs: Math.max(1, opts.runs ?? 3),
    system: opts.system ?? "groth16",
    memoryMethod: memoryMethod(),
    models,
    fits: fitReport(models),
  };
}

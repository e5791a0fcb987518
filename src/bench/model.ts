import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { decodeModel } from "../1-decode/decode.js";
import type { Graph } from "../1-decode/graph.js";
import type { ProofSystem } from "../6-prove/systems.js";
import { ZkmlError } from "../errors.js";
import { accuracy } from "../steps/accuracy.js";
import { sha256 } from "../steps/hash.js";
import { parseOneSample, readJsonInput } from "../steps/inputs.js";
import { type CompileOptions, DEFAULTS } from "../steps/settings.js";
import { nativeInference, type TimingOptions } from "./native.js";
import type { RunOutcome } from "./protocol.js";
import { runInChild, type StepEvent } from "./runs.js";
import { parameterCount } from "./sizes.js";
import { stats } from "./stats.js";
import { type BatchResult, type ModelResult, type ModelSpec, STEPS, type Step } from "./types.js";

export type ProgressEvent =
  | { type: "model-start"; name: string; index: number; total: number }
  | (StepEvent & { name: string; run: number; runs: number })
  | { type: "phase"; name: string; phase: "batch proving" | "native inference" | "accuracy" }
  | { type: "model-end"; name: string; result: ModelResult };

export interface BenchOptions {
  /** Runs per model (fresh process and build directory each). Default 3. */
  runs?: number;
  system?: ProofSystem;
  /** Deploy the verifier to the in-process EVM for its gas. Default true. */
  evm?: boolean;
  /** Proofs per run in the batch measurement (copies of the input, one call); 0: none. Default 3. */
  batch?: number;
  native?: TimingOptions;
  /** Where build directories go (removed afterwards). Default: the OS temporary directory. */
  workDir?: string;
  onProgress?: (e: ProgressEvent) => void;
}

/** Compile errors that mean "this model is out of scope today" rather than a failed benchmark. */
const SKIP_CODES = new Set(["unsupported-op"]);

/** A deterministic input within the calibrated range, for a model that ships none. */
function generatedInput(graph: Graph, range: [number, number], path: string): string {
  let s = 0x9e3779b9;
  const rnd = () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
  const data = graph.inputs.map((i) =>
    Array.from(
      { length: i.shape.reduce((a, b) => a * b, 1) },
      () => range[0] + (range[1] - range[0]) * rnd(),
    ),
  );
  writeFileSync(path, JSON.stringify({ input_data: data }));
  return path;
}

function aggregate(outcomes: RunOutcome[], pick: (s: { seconds: number; peakRss: number }) => number) {
  return Object.fromEntries(
    STEPS.map((step) => [
      step,
      stats(outcomes.map((o) => pick(o.steps.find((s) => s.step === step) ?? { seconds: 0, peakRss: 0 }))),
    ]),
  ) as Record<Step, ReturnType<typeof stats>>;
}

/** The batch figures per run, then their spread over the runs; undefined when the runs had no batch. */
function batchResult(outcomes: RunOutcome[], nativeInference: number): BatchResult | undefined {
  const b = outcomes.flatMap((o) => (o.batch ? [o.batch] : []));
  if (b.length === 0) return undefined;
  const provePerProof = stats(b.map((x) => x.prove / x.proofs));
  return {
    proofs: b[0]?.proofs ?? 0,
    proofsPerMinute: stats(b.map((x) => (60 * x.proofs) / x.seconds)),
    provePerProof,
    provePerProofOverNative: provePerProof.median / nativeInference,
    peakRss: stats(b.map((x) => x.peakRss)),
  };
}

/**
 * Benchmarks one model: `runs` times compile, setup, witness, prove and verify, each run in a fresh
 * process and build directory; then native inference, EVM gas and accuracy once.
 */
export async function benchModel(spec: ModelSpec, opts: BenchOptions = {}): Promise<ModelResult> {
  const runs = Math.max(1, opts.runs ?? 3);
  const system = opts.system ?? spec.compile?.system ?? "groth16";
  const bytes = readFileSync(spec.model);
  const graph = decodeModel(bytes, { inputShapes: spec.compile?.inputShapes });
  const work = opts.workDir ?? tmpdir();
  mkdirSync(work, { recursive: true });
  const tmp = mkdtempSync(join(work, `zkmlc-bench-${spec.name.replace(/[^\w.-]/g, "_")}-`));
  const base: ModelResult = {
    name: spec.name,
    model: spec.model,
    family: spec.family ?? "model",
    sha256: sha256(bytes),
    status: "ok",
    system,
    inputVisibility: spec.compile?.inputVisibility ?? DEFAULTS.inputVisibility,
    parameters: parameterCount(bytes, spec.compile?.inputShapes),
    runs,
  };
  try {
    const beside = join(dirname(spec.model), "input.json");
    const input =
      spec.input ??
      (existsSync(beside)
        ? beside
        : generatedInput(graph, spec.compile?.inputRange ?? DEFAULTS.inputRange, join(tmp, "input.json")));
    // Like `zkmlc run`: without a calibration or range, calibrate on the proven input.
    const c: CompileOptions = { ...spec.compile };
    if (!c.calibration && !c.inputRange) c.calibration = input;
    const outcomes: RunOutcome[] = [];
    let last = "";
    for (let r = 0; r < runs; r++) {
      if (last) rmSync(last, { recursive: true, force: true });
      last = join(tmp, `run${r + 1}`);
      const job = { model: spec.model, input, buildDir: last, system, compile: c, evm: r === runs - 1 };
      const onStep = (e: StepEvent) => opts.onProgress?.({ ...e, name: spec.name, run: r + 1, runs });
      const onBatch = () => opts.onProgress?.({ type: "phase", name: spec.name, phase: "batch proving" });
      try {
        outcomes.push(
          await runInChild(
            { ...job, evm: job.evm && opts.evm !== false, batch: opts.batch ?? 3 },
            onStep,
            onBatch,
          ),
        );
      } catch (e) {
        if (r === 0 && e instanceof ZkmlError && SKIP_CODES.has(e.code)) {
          return { ...base, status: "skipped", skipped: { code: e.code, message: e.message } };
        }
        throw e;
      }
    }
    const o = outcomes[outcomes.length - 1] as RunOutcome;
    const time = aggregate(outcomes, (s) => s.seconds);
    opts.onProgress?.({ type: "phase", name: spec.name, phase: "native inference" });
    const sample = parseOneSample(await readJsonInput(input, "input"), graph.inputs, input);
    const native = await nativeInference(spec.model, graph, sample, opts.native);
    const n = native[0]?.median ?? Number.NaN;
    const result: ModelResult = {
      ...base,
      inputVisibility: o.inputVisibility,
      scales: o.scales,
      constraints: o.constraints,
      publicSignals: o.publicSignals,
      time,
      peakRss: aggregate(outcomes, (s) => s.peakRss),
      startup: stats(outcomes.map((x) => x.startup)),
      startupRss: stats(outcomes.map((x) => x.startupRss)),
      proofBytes: o.proofBytes,
      artifactBytes: o.artifactBytes,
      native,
      nativeInference: n,
      ratios: Object.fromEntries(STEPS.map((s) => [s, time[s].median / n])) as Record<Step, number>,
      proveOverNative: time.prove.median / n,
    };
    const batch = batchResult(outcomes, n);
    if (batch) result.batch = batch;
    if (o.evm) result.evm = o.evm;
    if (o.evmError) result.evmSkipped = o.evmError;
    if (spec.data) {
      opts.onProgress?.({ type: "phase", name: spec.name, phase: "accuracy" });
      result.accuracy = { ...(await accuracy(last, spec.data)), data: spec.data };
    }
    return result;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

import type { InputVisibility } from "../3-lower/ir.js";
import type { ProofSystem } from "../6-prove/systems.js";
import type { AccuracyResult } from "../steps/accuracy.js";
import type { CompileOptions } from "../steps/settings.js";

/** The timed steps, in pipeline order. */
export const STEPS = ["compile", "setup", "witness", "prove", "verify"] as const;
export type Step = (typeof STEPS)[number];

export interface Stats {
  median: number;
  min: number;
  max: number;
}

/** One model to benchmark. */
export interface ModelSpec {
  /** Report and baseline key (with the system and input visibility). */
  name: string;
  model: string;
  /** One input to prove; absent: `input.json` beside the model, else a generated one. */
  input?: string;
  /** A data set for the accuracy measurement (circuit vs float). */
  data?: string;
  /** Groups models in the charts (e.g. "mlp", "cnn", "example"). */
  family?: string;
  compile?: CompileOptions;
}

/** A native (float) inference backend: its median time per inference, or why it did not run. */
export interface NativeResult {
  backend: string;
  ran: boolean;
  /** Seconds per inference (median), when it ran. */
  median?: number;
  min?: number;
  max?: number;
  /** Timed inferences after the warm-up. */
  iterations?: number;
  /** Max |output - onnxruntime output|: the backend computed the same function. */
  maxAbsDiffVsOnnxruntime?: number;
  reason?: string;
}

export interface EvmGas {
  valid: boolean;
  verifyGas: number;
  deployGas: number;
}

export interface ModelResult {
  name: string;
  model: string;
  family: string;
  /** sha256 of the ONNX file: the baseline comparison refuses a different model under the same name. */
  sha256: string;
  status: "ok" | "skipped";
  /** Why the model was skipped (e.g. an unsupported operator), with the compiler's error code. */
  skipped?: { code: string; message: string };
  system: ProofSystem;
  inputVisibility: InputVisibility;
  scales?: { input: number; param: number };
  parameters: number;
  constraints?: number;
  publicSignals?: number;
  runs: number;
  /** Seconds per step over the runs. */
  time?: Record<Step, Stats>;
  /** Peak resident set size (bytes) of the process during each step. */
  peakRss?: Record<Step, Stats>;
  /** One-time cost of a fresh process before the first step: module loading and BN254 curve workers. */
  startup?: Stats;
  /** Resident set (bytes) of that fresh process before the first step: the floor of every peak. */
  startupRss?: Stats;
  proofBytes?: { json: number; binary: number };
  /** Sizes of the r1cs and the proving key on disk (the first run's). */
  artifactBytes?: { r1cs: number; zkey: number };
  evm?: EvmGas;
  evmSkipped?: string;
  native?: NativeResult[];
  /** onnxruntime-node's median seconds per inference: the denominator of every ratio. */
  nativeInference?: number;
  /** Median step time / nativeInference, per step. */
  ratios?: Record<Step, number>;
  /** The headline: median prove time / native inference time. */
  proveOverNative?: number;
  /** Batch proving: `proofs` copies of the input proved by one call (absent with --batch 0). */
  batch?: BatchResult;
  accuracy?: AccuracyResult & { data: string };
}

export interface BatchResult {
  proofs: number;
  /** proofs · 60 / seconds of the whole call, loading the build, key and onnxruntime included. */
  proofsPerMinute: Stats;
  /** Seconds of snarkjs proving per proof once everything is loaded. */
  provePerProof: Stats;
  /** Median provePerProof / nativeInference: the batch figure the baseline gate compares. */
  provePerProofOverNative: number;
  /** Peak resident set of the process during the call. */
  peakRss: Stats;
}

/** Least squares on log10 y = exponent · log10 x + c. */
export interface Fit {
  exponent: number;
  intercept: number;
  r2: number;
  points: number;
}

export interface Fits {
  /** Keyed by family, plus "all". */
  proveVsParameters: Record<string, Fit>;
  constraintsVsParameters: Record<string, Fit>;
  proveVsConstraints: Record<string, Fit>;
}

export interface Machine {
  cpu: string;
  cores: number;
  mhz: number;
  memoryBytes: number;
  platform: string;
  release: string;
  node: string;
  onnxruntime: string;
}

export interface BenchReport {
  zkmlc: string;
  date: string;
  machine: Machine;
  runs: number;
  system: ProofSystem;
  /** How peak memory was measured. */
  memoryMethod: string;
  models: ModelResult[];
  fits: Fits;
}

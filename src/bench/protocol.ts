import type { InputVisibility } from "../3-lower/ir.js";
import type { ProofSystem } from "../6-prove/systems.js";
import type { CompileOptions } from "../steps/settings.js";
import type { EvmGas, Step } from "./types.js";

/** What the parent asks one measurement process to do: one run of every step. */
export interface RunJob {
  model: string;
  input: string;
  buildDir: string;
  system: ProofSystem;
  compile: CompileOptions;
  /** Also deploy the verifier to the in-process EVM (once per model: gas does not vary). */
  evm: boolean;
  /** Also prove this many copies of the input by one batch call; absent or 0: no batch. */
  batch?: number;
}

export interface StepMeasurement {
  step: Step;
  seconds: number;
  peakRss: number;
}

/** One `proveInputs` call on an array of copies of the input: the build, key and onnxruntime loaded once. */
export interface BatchMeasurement {
  proofs: number;
  /** Wall time of the whole call, loading included: what a user proving a batch waits for. */
  seconds: number;
  /** Snarkjs proving alone, summed over the proofs. */
  prove: number;
  peakRss: number;
}

export interface RunOutcome {
  startup: number;
  /** Resident set after start-up, before the first step. */
  startupRss: number;
  steps: StepMeasurement[];
  constraints: number;
  publicSignals: number;
  scales: { input: number; param: number };
  inputVisibility: InputVisibility;
  proofBytes: { json: number; binary: number };
  /** Sizes of the r1cs and the proving key on disk. */
  artifactBytes: { r1cs: number; zkey: number };
  evm?: EvmGas;
  evmError?: string;
  batch?: BatchMeasurement;
}

export type ChildMessage =
  | { type: "step-start"; step: Step }
  | ({ type: "step-end" } & StepMeasurement)
  | { type: "batch-start"; proofs: number }
  | { type: "done"; outcome: RunOutcome }
  | { type: "error"; error: { code: string; message: string; hint?: string; stack?: string } };

export type ParentMessage = { type: "run"; job: RunJob };

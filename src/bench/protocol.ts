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
}

export interface StepMeasurement {
  step: Step;
  seconds: number;
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
}

export type ChildMessage =
  | { type: "step-start"; step: Step }
  | ({ type: "step-end" } & StepMeasurement)
  | { type: "done"; outcome: RunOutcome }
  | { type: "error"; error: { code: string; message: string; hint?: string; stack?: string } };

export type ParentMessage = { type: "run"; job: RunJob };

import type { SuiteName } from "./suites.js";

/**
 * pass: compiled, witness == integer reference, r1cs satisfied, outputs within tolerance (and, when
 * proven, the proof verified). fail: any of those went wrong, or a crash/timeout. unsupported: zkmlc
 * refused the model at compile time with a user error (unsupported-op, bad-attribute, ...). out-of-scope:
 * not measured (scope.ts).
 */
export type Status = "pass" | "fail" | "unsupported" | "out-of-scope";

/** Where a test stopped. */
export type Stage = "load" | "compile" | "witness" | "r1cs" | "compare" | "prove";

export interface ProofOutcome {
  verified: boolean;
  /** setup + prove + verify, seconds. */
  seconds: number;
  reason?: string;
}

export interface TestResult {
  suite: SuiteName;
  name: string;
  /** The operator the test is about (EZKL models: "(model)"). */
  op: string;
  ops: string[];
  status: Status;
  stage?: Stage;
  /** zkmlc error code, or timeout / crash / mismatch / r1cs / shape. */
  code?: string;
  reason?: string;
  /** `#3 "conv1" (Conv)` when the error names a node. */
  node?: string;
  /** Graph inputs bound as initializers from the test data. */
  bound?: string[];
  constraints?: number;
  /** Largest |circuit − expected| over all outputs. */
  maxError?: number;
  /** Tolerance of the element with the largest error (`reason` names the element furthest over its own). */
  tolerance?: number;
  /** Largest proven error bound over the outputs. */
  errorBound?: number;
  proof?: ProofOutcome;
  /** Why a passing test was not proven (EZKL models too large for a 2^18 setup). */
  notProven?: string;
  seconds?: number;
}

/** A unit of work for a worker process. */
export interface Task {
  kind: "node" | "ezkl";
  suite: SuiteName;
  name: string;
  dir: string;
  op: string;
  ops: string[];
  bind: string[];
  prove: boolean;
  /** Compile with public inputs (no input range checks): faster, for quick runs. Default private. */
  publicInputs?: boolean;
  /** Scratch directory for this task's build (removed afterwards). */
  work: string;
}

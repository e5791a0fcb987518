import type { Postprocess, Visibility } from "../3-quantize/ir.js";
import type { SoftmaxMode } from "../3-quantize/postprocess.js";
import type { ProofSystem } from "../6-prove/systems.js";

/** Every choice a build made: enough to rebuild it byte for byte and to check later steps' inputs. */
export interface Settings {
  zkmlc: string;
  model: { file: string; sha256: string; opset: number; producer: string };
  scales: { input: number; param: number };
  rounding: "half-away-from-zero";
  visibility: { input: Visibility; output: "public" };
  calibration: { source: string; samples: number };
  /** Where a (Log)Softmax graph output is computed ("outside": after decoding; absent in older builds). */
  softmax?: SoftmaxMode;
  inputs: SettingsInput[];
  outputs: SettingsOutput[];
  /** The proof system the circuit was compiled for (it decides circom's optimization level). */
  system: ProofSystem;
  circuit: {
    optimization: "O1" | "O2";
    constraints: number;
    estimatedConstraints: number;
    publicSignals: number;
    sha256: { circuit: string; r1cs: string };
  };
  nodes: SettingsNode[];
  /** Written by `setup`: which keys belong to this circuit, per proof system. */
  keys?: Partial<Record<ProofSystem, KeyRecord>>;
}

export interface KeyRecord {
  /** sha256 of the r1cs the keys were made for, and of the key files. */
  r1cs: string;
  zkey: string;
  vkey: string;
  ptau: { file: string; sha256: string | null; power: number; local: boolean };
  /** Phase-2 contributions after the initial key (Groth16); local development keys count as 0. */
  contributions: number;
  beacon: boolean;
}

export interface SettingsInput {
  name: string;
  signal: string;
  shape: number[];
  scale: number;
  /** Calibrated real range, and the integer range prove/verify accept. */
  range: [number, number];
  intRange: [string, string];
  /** Width of the in-circuit range check (private inputs). */
  bits: number;
  visibility: Visibility;
}

export interface SettingsOutput {
  name: string;
  signal: string;
  shape: number[];
  scale: number;
  /** Proven worst-case |circuit − float| over the calibrated input range (quantization only). */
  errorBound: number;
  /**
   * Applied outside the circuit when decoding (--softmax outside): the public signals are the logits
   * (bound `logitsErrorBound`), decoded values are their (Log)Softmax (bound `errorBound`).
   */
  postprocess?: Postprocess & { logitsErrorBound: number };
}

export interface SettingsNode {
  index: number;
  name: string;
  op: string;
  outputShapes: number[][];
  scale: number | null;
  bits: number | null;
  constraints: number;
}

/** Options that decide a build; everything else in Settings is derived from them and the model. */
export interface CompileOptions {
  inputScale?: number;
  paramScale?: number;
  inputVisibility?: Visibility;
  /** JSON file of calibration samples (same formats as --input, or an array of them). */
  calibration?: string;
  /** Explicit real range for every input, overriding calibration. */
  inputRange?: [number, number];
  /** Target proof system: Groth16 compiles with --O2, PLONK/FFLONK with --O1. */
  system?: ProofSystem;
  /** "outside": prove the logits of a (Log)Softmax graph output and apply it when decoding (default "circuit"). */
  softmax?: SoftmaxMode;
  /** Refuse (error too-large) before running circom when the estimated constraint count exceeds this. */
  maxConstraints?: number;
}

/**
 * Defaults: inputs and activations at 2^8 (an 8-bit image's k/255 steps survive), weights at 2^12.
 * Each extra bit of scale costs about one constraint per rescaled value; on the MNIST MLP, 2^7/2^7
 * agreed with float on 99.5% of 1,000 digits and 2^8/2^12 on 100%, for 1,120 more constraints.
 */
export const DEFAULTS = {
  inputScale: 8,
  paramScale: 12,
  inputVisibility: "private" as Visibility,
  inputRange: [-1, 1] as [number, number],
};

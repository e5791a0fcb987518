import type { NodeRef } from "../errors.js";

/**
 * The circuit IR: what every ONNX op lowers to. Only three primitives exist, because under Groth16 only
 * three things cost or matter: where signals enter (and their range checks), constant-coefficient affine
 * maps (free), and rescales (a range-checked division hint, optionally fused with ReLU).
 */

/** A tensor held in circuit signals; integer value = real value · 2^scale. Stored flat, row-major. */
export interface QTensor {
  id: number;
  /** The ONNX tensor it carries (the first one, when reshapes alias it). */
  onnxName: string;
  shape: number[];
  scale: number;
  /** Per-element integer bounds, proven by the range checks upstream. */
  lo: bigint[];
  hi: bigint[];
  /** Per-element bound on |dequantized value − exact float value| for inputs inside the range. */
  err: Float64Array;
}

export type Visibility = "public" | "private";

export interface InputPrim {
  kind: "input";
  out: number;
  /** Enforced range: value − lo ∈ [0, 2^bits). Public inputs are checked outside the circuit instead. */
  lo: bigint;
  bits: number;
  visibility: Visibility;
}

/** out[i] = bias[i] + Σ_t coef[t]·x[idx[t]], where x is the concatenation of the `ins` tensors. */
export interface AffinePrim {
  kind: "affine";
  out: number;
  ins: number[];
  rows: { idx: Int32Array; coef: bigint[] }[];
  bias: bigint[];
}

/** out = roundHalfAway(in / 2^k), or max(0, that) when relu; `bits[i]` is element i's decomposition width. */
export interface RescalePrim {
  kind: "rescale";
  out: number;
  in: number;
  k: number;
  relu: boolean;
  bits: number[];
}

export type Prim = InputPrim | AffinePrim | RescalePrim;

/** The prims one ONNX node lowered to (empty for pure reshapes). */
export interface PlannedNode {
  node: NodeRef;
  inputShapes: number[][];
  outputShapes: number[][];
  prims: Prim[];
}

export interface PlannedOutput {
  onnxName: string;
  tensor: number;
  /** The output's shape (an alias may view the tensor with another shape). */
  shape: number[];
}

export interface Plan {
  tensors: QTensor[];
  inputs: InputPrim[];
  nodes: PlannedNode[];
  outputs: PlannedOutput[];
}

/**
 * Constraints a prim costs under --O2, where linear constraints (affine maps, output wiring) are
 * substituted away; `size` is the element count of the prim's output.
 */
export function primConstraints(p: Prim, size: number): number {
  switch (p.kind) {
    case "input":
      return p.visibility === "private" ? p.bits * size : 0;
    case "affine":
      return 0;
    case "rescale":
      return p.bits.reduce((s, b) => s + b + (p.relu ? 1 : rescaleExtra(p.k)), 0);
  }
}

/** Extra constraints of a bare (non-ReLU) rescale for round-half-away-from-zero tie handling. */
function rescaleExtra(k: number): number {
  return k === 1 ? 1 : 2;
}

import type { CommitRole, CommitTensorSpec } from "../commit/commitment.js";
import type { NodeRef } from "../errors.js";

/**
 * The circuit IR: what every ONNX op lowers to. Under Groth16 a constant-coefficient affine map is free,
 * so the primitives are where signals enter (with their range checks), affine maps, and the few things
 * that cost constraints: rescales (a range-checked division hint, optionally fused with ReLU), products,
 * max, comparisons, divisions, square roots, piecewise polynomials and one-hot selections. Each one's
 * cost, integer evaluation, Circom text and R1CS rows live in prims/<kind>.ts (registry.ts).
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
  /** A weight made a signal (--param-visibility): products with it may take its scale, as constants do. */
  weight?: true;
}

export type Visibility = "public" | "private";

/** --input-visibility: hashed = private, with a Poseidon commitment to the inputs as a public signal. */
export type InputVisibility = Visibility | "hashed";
/** --output-visibility: hashed = private outputs, with their commitment as a public signal. */
export type OutputVisibility = "public" | "hashed";
/**
 * --param-visibility: fixed = weights are constants of the circuit (bound by the verification key);
 * hashed = private signals with a public commitment (one key serves every model of the architecture);
 * private = private signals bound by nothing.
 */
export type ParamVisibility = "fixed" | "hashed" | "private";

/** Per tensor class; an absent one is the default (public outputs, fixed weights). */
export interface Visibilities {
  input: InputVisibility;
  output?: OutputVisibility;
  param?: ParamVisibility;
}

/**
 * How an input's calibrated range is enforced. "pow2": one bit decomposition, value − lo ∈ [0, 2^bits),
 * which admits values above the calibrated maximum (up to lo + 2^bits − 1). "exact": a second one,
 * hi − value ∈ [0, 2^bits), so the enforced range is exactly [lo, hi], for twice the constraints.
 */
export type InputCheck = "pow2" | "exact";

export interface InputPrim {
  kind: "input";
  out: number;
  /** Enforced in the circuit whatever the visibility: value − lo ∈ [0, 2^bits). */
  lo: bigint;
  bits: number;
  /** With the exact check, also hi − value ∈ [0, 2^bits). */
  upper?: bigint;
  visibility: Visibility;
  /**
   * A model weight made a signal (--param-visibility hashed|private): the initializer it carries and
   * the compiled model's quantized values, which witnesses use unless other weights are given.
   */
  param?: { name: string; values: bigint[] };
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

/** out[i] = A[ia[i]] · B[ib[i]]: a product of two signals, one constraint each. */
export interface MulPrim {
  kind: "mul";
  out: number;
  a: number;
  b: number;
  ia: Int32Array;
  ib: Int32Array;
}

/**
 * out[i] = max_t x[rows[i][t]] over the concatenation of `ins`: a chain of Max2 comparisons, the t-th
 * comparing the running max with element t+1 in bits[i][t] bits.
 */
export interface MaxPrim {
  kind: "max";
  out: number;
  ins: number[];
  rows: Int32Array[];
  bits: number[][];
}

/** out[i] = 1 if x[i] >= 0 else 0 ("nonneg", `bits[i]`-bit decomposition), or 1 if x[i] = 0 else 0 ("zero"). */
export interface CmpPrim {
  kind: "cmp";
  out: number;
  in: number;
  test: "nonneg" | "zero";
  bits: number[];
}

/**
 * out[i] = floor(num[i] / den[i]) with den[i] >= 1: num = q·den + r, 0 <= r < den (two rBits-bit
 * checks), q − qlo[i] in [0, 2^qBits[i]) so the quotient is unique.
 */
export interface DivPrim {
  kind: "div";
  out: number;
  num: number;
  den: number;
  qlo: bigint[];
  qBits: number[];
  rBits: number[];
  /** den is a constant signal: q·den is then linear and --O2 removes that constraint. */
  constDen?: true;
}

/**
 * out[i] = floor(sqrt(x[i])) with x[i] >= 0: s² <= x < (s+1)², both sides xBits[i]-bit checks, s sBits[i]
 * (0: s needs no range check, allowed for xBits <= 125).
 */
export interface SqrtPrim {
  kind: "sqrt";
  out: number;
  in: number;
  xBits: number[];
  sBits: number[];
}

/**
 * A piecewise polynomial of x, the same for every element: u = x − lo ∈ [0, 2^(segBits+offBits)),
 * seg = u >> offBits, t = u mod 2^offBits, out = Σ_j coef[seg][j] · t^j · 2^(offBits·(d−j)).
 * The segment's coefficients are selected by multilinear monomials of the segment bits (`monomials`
 * lists the bit masks of size >= 2 that are built, in order), evaluated by Horner's rule in t.
 */
export interface PolyPrim {
  kind: "poly";
  out: number;
  in: number;
  lo: bigint;
  segBits: number;
  offBits: number;
  coef: bigint[][];
  monomials: number[];
}

/**
 * One-hot vectors of integer indices: element i of `in` gives count[i] outputs (concatenated in element
 * order), [x[i] − lo[i] = k] for k < count[i]. check[i]: x[i] is not proven to lie in [lo[i], lo[i] +
 * count[i]), so membership is enforced (any other value makes the witness unsatisfiable); otherwise the
 * bounds already prove it. circuits/onehot.circom, cost per element: oneHotCost (prims/onehot.ts).
 */
export interface OneHotPrim {
  kind: "onehot";
  out: number;
  in: number;
  lo: bigint[];
  count: number[];
  check: boolean[];
}

/** A committed tensor: its signals, the range they are proven in (v − lo ∈ [0, 2^bits)), shape and scale. */
export interface CommitTensorRef extends CommitTensorSpec {
  id: number;
}

/**
 * out[0] = the zkmlc-commit-v1 Poseidon commitment (src/commit/, docs/COMMITMENT.md) of the tensors, in
 * order, all of one role. Their values are packed, not checked: each must be range-checked upstream.
 */
export interface CommitPrim {
  kind: "commit";
  out: number;
  role: CommitRole;
  tensors: CommitTensorRef[];
}

export type Prim =
  | InputPrim
  | AffinePrim
  | RescalePrim
  | MulPrim
  | MaxPrim
  | CmpPrim
  | DivPrim
  | SqrtPrim
  | PolyPrim
  | OneHotPrim
  | CommitPrim;

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
  /** Applied to the decoded output outside the circuit (compile option softmax: "outside"). */
  postprocess?: Postprocess;
  /** --output-visibility hashed: a private signal, only its commitment is public. */
  hashed?: true;
}

/** A commitment the circuit makes public: the output of a commit prim of the final "commitments" node. */
export interface PlannedCommitment {
  role: CommitRole;
  tensor: number;
}

/** A (Log)Softmax left out of the circuit: the circuit outputs its logits, decoding applies it. */
export interface Postprocess {
  op: "Softmax" | "LogSoftmax";
  /** Normalized axis; coerce2d: opset < 13 semantics (rows span every dimension from the axis on). */
  axis: number;
  coerce2d: boolean;
}

export interface Plan {
  tensors: QTensor[];
  inputs: InputPrim[];
  nodes: PlannedNode[];
  outputs: PlannedOutput[];
  /** In public-signal order, after the public outputs. */
  commitments?: PlannedCommitment[];
}

/**
 * The circuit's public outputs (main's `signal output`s), in public-signal order: the outputs that are
 * not hashed, then the commitments. Public inputs follow them in the public signals.
 */
export function mainOutputs(plan: Plan): { tensor: number; output?: number; commitment?: number }[] {
  return [
    ...plan.outputs.flatMap((o, output) => (o.hashed ? [] : [{ tensor: o.tensor, output }])),
    ...(plan.commitments ?? []).map((c, commitment) => ({ tensor: c.tensor, commitment })),
  ];
}

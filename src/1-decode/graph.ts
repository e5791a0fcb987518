import { fail, type NodeRef } from "../errors.js";

/** Element types zkmlc distinguishes; everything numeric is held as float64 until quantization. */
export type DType =
  | "float32"
  | "float64"
  | "float16"
  | "int8"
  | "int16"
  | "int32"
  | "int64"
  | "uint8"
  | "uint16"
  | "uint32"
  | "uint64"
  | "bool";

/** A compile-time constant tensor (initializer, Constant node, folded value). Row-major. */
export interface ConstTensor {
  dtype: DType;
  shape: number[];
  data: Float64Array;
}

export type AttrValue =
  | { type: "int"; value: number }
  | { type: "float"; value: number }
  | { type: "string"; value: string }
  | { type: "ints"; value: number[] }
  | { type: "floats"; value: number[] }
  | { type: "strings"; value: string[] }
  | { type: "tensor"; value: ConstTensor }
  | { type: "unsupported"; value: string };

export interface GraphNode extends NodeRef {
  domain: string;
  inputs: string[];
  outputs: string[];
  attrs: Map<string, AttrValue>;
}

export interface ValueInfo {
  name: string;
  dtype: DType;
  /** Concrete dims: a graph input's come from the model, --input-shape, or a batch dim taken as 1. */
  shape: number[];
}

export interface Graph {
  /** Opset of the default ONNX domain. */
  opset: number;
  producer: string;
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  nodes: GraphNode[];
  constants: Map<string, ConstTensor>;
  /** Graph inputs that have an initializer: constants of the model, not inputs of the circuit. */
  constantInputs?: string[];
  /** Assumptions decoding made that a user should see (a batch dimension taken as 1). */
  notes?: string[];
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Largest tensor zkmlc builds a circuit for, in elements. Every element of a signal tensor is at least
 * one wire and usually a range check, so far below this a circuit is beyond any setup (circom's
 * WebAssembly build stops near 300k constraints); above it the compile-time bookkeeping alone (integer
 * bounds per element) would take gigabytes.
 */
export const MAX_ELEMENTS = 2 ** 22;

/**
 * Refuse (too-large) a tensor shape past MAX_ELEMENTS, or with one dimension past it (per-axis index maps
 * are built even when another dimension is 0), before anything is allocated for it.
 */
export function checkElements(shape: readonly number[], what: string, node?: NodeRef): void {
  const n = numel(shape);
  const widest = Math.max(0, ...shape);
  if (n <= MAX_ELEMENTS && widest <= MAX_ELEMENTS) return;
  const size =
    n <= MAX_ELEMENTS
      ? `a dimension of ${widest.toLocaleString("en-US")}`
      : `${n.toLocaleString("en-US")} elements`;
  fail(
    "too-large",
    `${what} would have shape [${shape.join(",")}]: ${size}, above the ${MAX_ELEMENTS.toLocaleString("en-US")} zkmlc compiles`,
    {
      ...(node ? { node } : {}),
      hint: "a circuit this large cannot be proven; check the shapes the model computes",
    },
  );
}

export function nodeRef(node: NodeRef): NodeRef {
  return { index: node.index, name: node.name, opType: node.opType };
}

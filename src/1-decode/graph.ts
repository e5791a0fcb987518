import type { NodeRef } from "../errors.js";

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
  /** Concrete dims; symbolic batch dims are taken as 1. */
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
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function nodeRef(node: NodeRef): NodeRef {
  return { index: node.index, name: node.name, opType: node.opType };
}

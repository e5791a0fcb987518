import {
  type AttrValue,
  buildModel,
  DataType,
  node,
  tensorProto,
  valueInfo,
} from "../../src/1-decode/onnx-builder.js";
import { rng, uniform } from "../support/op-check.js";

export { attr, DataType } from "../../src/1-decode/onnx-builder.js";

/** A graph input or output: name, dims (outputs: optional) and element type (FLOAT unless given). */
export type Io = [string, number[]?, DataType?];
/** A constant: name, dims, values, element type (FLOAT unless given). */
export type Const = [string, number[], ArrayLike<number>, DataType?];
/** A node: op, inputs, outputs, attributes. */
export type Node = [string, string[], string[], Record<string, AttrValue>?];

/** A small model from a list of nodes (named n0, n1, ...). */
export function graph(g: { inputs: Io[]; consts?: Const[]; nodes: Node[]; outputs: Io[]; opset?: number }) {
  return buildModel({
    nodes: g.nodes.map(([op, ins, outs, attrs], i) => node(op, ins, outs, attrs ?? {}, `n${i}`)),
    initializers: (g.consts ?? []).map(([name, dims, v, t]) =>
      tensorProto(name, dims, v, "raw", t ?? DataType.FLOAT),
    ),
    inputs: g.inputs.map(([name, dims, t]) => valueInfo(name, t ?? DataType.FLOAT, dims ?? [])),
    outputs: g.outputs.map(([name, dims, t]) => valueInfo(name, t ?? DataType.FLOAT, dims)),
    opset: g.opset ?? 13,
  });
}

/** Seeded random weights in [lo, hi). */
export function weights(seed: number, n: number, lo = -1, hi = 1): Float64Array {
  return uniform(rng(seed), n, lo, hi);
}

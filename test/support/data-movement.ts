import {
  type AttrValue,
  buildModel,
  DataType,
  node,
  tensorProto,
  valueInfo,
} from "../../src/1-decode/onnx-builder.js";
import type { Sample } from "../../src/steps/inputs.js";
import { uniform } from "./op-check.js";

/** A constant input: name, dims, values, and its element type (INT64 unless given). */
export type ConstInput = [string, number[], ArrayLike<number>, DataType?];

/**
 * Circuit tests of ops whose outputs repeat an element or hold a constant end in a Relu (`after`):
 * a public output that is a copy of another public output or a constant keeps its linear
 * constraint under --O2, which the plan's estimate (affine maps are free) does not count.
 */

/**
 * A one-node model for the data-movement op tests: float graph inputs, constant initializers
 * (indices, shapes, pads: INT64 by default), any number of outputs (y, or y0, y1, ... when several).
 */
export function opModel(o: {
  op: string;
  inputs: [string, number[]][];
  consts?: ConstInput[];
  nodeInputs?: string[];
  attrs?: Record<string, AttrValue>;
  outputs?: number;
  opset?: number;
  /** A unary op applied to the (single) output, e.g. Relu. */
  after?: string;
}): Uint8Array {
  const n = o.outputs ?? 1;
  const outs = n === 1 ? ["y"] : Array.from({ length: n }, (_, i) => `y${i}`);
  const inner = o.after ? ["t"] : outs;
  return buildModel({
    nodes: [
      node(
        o.op,
        o.nodeInputs ?? [...o.inputs.map((i) => i[0]), ...(o.consts ?? []).map((c) => c[0])],
        inner,
        o.attrs ?? {},
        "n0",
      ),
      ...(o.after ? [node(o.after, ["t"], ["y"], {}, "n1")] : []),
    ],
    initializers: (o.consts ?? []).map(([name, dims, v, t]) =>
      tensorProto(name, dims, v, "raw", t ?? DataType.INT64),
    ),
    inputs: o.inputs.map(([name, dims]) => valueInfo(name, DataType.FLOAT, dims)),
    outputs: outs.map((name) => valueInfo(name, DataType.FLOAT)),
    opset: o.opset ?? 13,
  });
}

/** `count` random samples in [-1, 1) for inputs of these shapes. */
export function samples(r: () => number, shapes: number[][], count = 3): Sample[] {
  return Array.from({ length: count }, () =>
    shapes.map((s) =>
      uniform(
        r,
        s.reduce((a, b) => a * b, 1),
      ),
    ),
  );
}

import type { ConstTensor, GraphNode } from "../../1-decode/graph.js";
import type { LowerCtx, Value } from "../lower.js";

interface OpBase {
  opType: string;
  /** One line for `zkmlc ops` and the README table. */
  summary: string;
}

/**
 * An ONNX operator lowered directly. `lower` validates the attributes (ONNX defaults apply when absent),
 * infers the output shape, picks the output scale, and emits circuit IR prims through the context. The
 * prims define the op's integer reference, its bounds, its error bound and its Circom code.
 */
export interface LoweringOp extends OpBase {
  lower(ctx: LowerCtx): Value[];
}

/**
 * An ONNX operator defined by other operators (the recurrent ones): `expand` validates the attributes
 * and returns the subgraph, in opset `EXPANSION_OPSET`, that computes the node's outputs from its inputs.
 * Quantization lowers that subgraph node by node, so bounds, error bounds and soundness come from the
 * ops it uses; the shapes of the inputs are known by then, which the unrolling needs.
 */
export interface ExpandingOp extends OpBase {
  expand(ctx: LowerCtx): Expansion;
}

export type OpSpec = LoweringOp | ExpandingOp;

export interface Expansion {
  nodes: GraphNode[];
  /** Constants the subgraph introduces (axes, indices, zero states, masks). */
  constants: Map<string, ConstTensor>;
}

/** Attribute semantics of expansion subgraphs (axes and clip bounds as inputs, as in opset 13+). */
export const EXPANSION_OPSET = 22;

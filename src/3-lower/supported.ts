import type { Graph, GraphNode } from "../1-decode/graph.js";
import { nodeRef } from "../1-decode/graph.js";
import { fail } from "../errors.js";
import { SHAPE_ONLY_OPS } from "./fold-constants.js";
import { OPS } from "./ops/registry.js";

/** Every op must be one zkmlc lowers, or fold to a constant: all offenders are reported in one error. */
export function checkSupported(graph: Graph): void {
  const constant = constantNodes(graph);
  const unsupported = graph.nodes.filter(
    (n) => !constant.has(n) && ((n.domain !== "" && n.domain !== "ai.onnx") || !OPS.has(n.opType)),
  );
  if (unsupported.length > 0) {
    const list = unsupported
      .map((n) => `#${n.index} "${n.name}" (${n.domain ? `${n.domain}.` : ""}${n.opType})`)
      .join(", ");
    const first = unsupported[0] as GraphNode;
    fail("unsupported-op", `${unsupported.length} node(s) use unsupported ops: ${list}`, {
      node: nodeRef(first),
      hint: `supported ops: ${[...OPS.keys()].sort().join(", ")} (see \`zkmlc ops\`)`,
    });
  }
}

/**
 * Nodes whose inputs are all compile-time constants (initializers, Constant nodes, shapes of signals,
 * and what is computed from those): quantize folds them with onnxruntime, so their op need not be one
 * zkmlc lowers.
 */
export function constantNodes(graph: Graph): Set<GraphNode> {
  const known = new Set(graph.constants.keys());
  const out = new Set<GraphNode>();
  for (const n of graph.nodes) {
    const ins = n.inputs.filter((i) => i !== "");
    const folded = ins.length > 0 && ins.every((i) => known.has(i));
    if (folded) out.add(n);
    if (folded || SHAPE_ONLY_OPS.has(n.opType) || (ins.length === 0 && n.opType === "Constant"))
      for (const o of n.outputs) known.add(o);
    // Dropout's mask is all true in inference.
    if (n.opType === "Dropout" && n.outputs[1]) known.add(n.outputs[1]);
  }
  return out;
}

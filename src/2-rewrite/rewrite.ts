import type { Graph, GraphNode } from "../1-decode/graph.js";
import { nodeRef } from "../1-decode/graph.js";
import { fail } from "../errors.js";
import { OPS } from "../ops/registry.js";
import { SHAPE_ONLY_OPS } from "./fold.js";
import { foldBatchNorm } from "./fold-batchnorm.js";
import { fuseLayerNorm } from "./fuse-layernorm.js";
import { reluBeforeMaxPool } from "./relu-before-maxpool.js";

/**
 * Graph-level checks and rewrites before quantization: every op must be supported (all offenders are
 * reported in one error), nodes must be in topological order, and every graph output must be produced.
 * Identity/Dropout/Constant need no rewrite: they lower to aliases and constants at no cost.
 * BatchNormalization after a Conv/Gemm with constant weights is folded into it (fold-batchnorm.ts), and
 * Relu → MaxPool is reordered to MaxPool → Relu (relu-before-maxpool.ts), and LayerNorm decomposed into
 * ReduceMean/Sub/Pow/Sqrt/Div is fused back into LayerNormalization (fuse-layernorm.ts).
 */
export function rewrite(graph: Graph): Graph {
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
  const known = new Set([...graph.inputs.map((i) => i.name), ...graph.constants.keys(), ""]);
  for (const n of graph.nodes) {
    for (const i of n.inputs) {
      if (!known.has(i)) {
        fail("bad-onnx", `input "${i}" is not produced by any earlier node, initializer or graph input`, {
          node: nodeRef(n),
          hint: "the graph must be topologically sorted (onnx.checker.check_model reports this)",
        });
      }
    }
    for (const o of n.outputs) known.add(o);
  }
  for (const o of graph.outputs) {
    if (!known.has(o.name)) fail("bad-onnx", `graph output "${o.name}" is not produced by any node`);
  }
  return reluBeforeMaxPool(foldBatchNorm(fuseLayerNorm(graph)));
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

import type { Graph, GraphNode } from "../1-decode/graph.js";
import type { Postprocess } from "./ir.js";
import { softmaxAxisOf, softmaxRows } from "./ops/softmax.js";

/** Where a Softmax/LogSoftmax is computed: in the circuit, or (graph outputs only) after decoding. */
export type SoftmaxMode = "circuit" | "outside";

/**
 * The (Log)Softmax nodes that `softmax: "outside"` leaves out of the circuit: those whose output is a
 * graph output and feeds no other node. The circuit then outputs their logits (the proof covers them)
 * and decoding applies the function. Any other (Log)Softmax stays in the circuit.
 */
export function outsideSoftmax(graph: Graph, mode: SoftmaxMode | undefined): Map<GraphNode, Postprocess> {
  const out = new Map<GraphNode, Postprocess>();
  if (mode !== "outside") return out;
  const outputs = new Set(graph.outputs.map((o) => o.name));
  const consumed = new Set(graph.nodes.flatMap((n) => n.inputs));
  for (const node of graph.nodes) {
    if (node.opType !== "Softmax" && node.opType !== "LogSoftmax") continue;
    if (node.domain !== "" && node.domain !== "ai.onnx") continue;
    const y = node.outputs[0] ?? "";
    if (!outputs.has(y) || consumed.has(y)) continue;
    const rank = graph.outputs.find((o) => o.name === y)?.shape.length ?? 2;
    const { axis, coerce2d } = softmaxAxisOf(node, graph.opset, rank);
    out.set(node, { op: node.opType, axis, coerce2d });
  }
  return out;
}

/** The (Log)Softmax of decoded logits, in float64 (row-major, `shape`). */
export function applyPostprocess(
  values: readonly number[],
  shape: readonly number[],
  p: Postprocess,
): number[] {
  const out = values.slice();
  for (const row of softmaxRows(shape, p)) {
    const xs = Array.from(row, (i) => values[i] as number);
    const m = xs.reduce((a, v) => Math.max(a, v), -Infinity);
    const lse = m + Math.log(xs.reduce((a, v) => a + Math.exp(v - m), 0));
    row.forEach((i, j) => {
      out[i] = p.op === "Softmax" ? Math.exp((xs[j] as number) - lse) : (xs[j] as number) - lse;
    });
  }
  return out;
}

/**
 * A bound on the postprocessed output's error from the logits' bound e: softmax moves by at most
 * 2·p·(1 − p)·e <= e/2, log-softmax by at most 2e.
 */
export function postprocessBound(p: Postprocess, logitsBound: number): number {
  return p.op === "Softmax" ? logitsBound / 2 : 2 * logitsBound;
}

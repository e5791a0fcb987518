import type { Graph, GraphNode } from "../1-decode/graph.js";

const POOLS = new Set(["MaxPool", "GlobalMaxPool"]);
const isDefault = (n: GraphNode) => n.domain === "" || n.domain === "ai.onnx";

/**
 * Relu → MaxPool becomes MaxPool → Relu. ReLU is monotone, so max(relu(x)) = relu(max(x)) exactly, and
 * in integers too: the rescale fused with the ReLU (rounding.ts rescaleRelu) is monotone as well, so
 * the circuit's outputs are bit-identical. It pays because the ReLU (a rescale of a wide convolution
 * output, ~width constraints per element) then runs on the pooled tensor, k× smaller, while the
 * comparisons cost about the same at either scale: measured on a LeNet-5 with random weights, 172k
 * constraints become 131k. Applies when the Relu's output feeds only that pool (one output, no Indices).
 */
export function reluBeforeMaxPool(graph: Graph): Graph {
  const uses = new Map<string, number>();
  for (const n of graph.nodes) for (const i of n.inputs) uses.set(i, (uses.get(i) ?? 0) + 1);
  for (const o of graph.outputs) uses.set(o.name, (uses.get(o.name) ?? 0) + 1);
  const producer = new Map<string, number>();
  graph.nodes.forEach((n, i) => {
    for (const o of n.outputs) producer.set(o, i);
  });
  const taken = new Set([...producer.keys(), ...graph.constants.keys(), ...graph.inputs.map((i) => i.name)]);
  const nodes = graph.nodes.slice();
  let changed = false;
  nodes.forEach((pool, p) => {
    if (!POOLS.has(pool.opType) || !isDefault(pool) || pool.outputs.filter((o) => o !== "").length !== 1)
      return;
    const x = pool.inputs[0] ?? "";
    const r = producer.get(x);
    const relu = r === undefined ? undefined : nodes[r];
    if (r === undefined || !relu || relu.opType !== "Relu" || !isDefault(relu) || uses.get(x) !== 1) return;
    let mid = `${pool.outputs[0]}/before_relu`;
    for (let k = 1; taken.has(mid); k++) mid = `${pool.outputs[0]}/before_relu_${k}`;
    taken.add(mid);
    // The pool moves to the Relu's place (its new input, the Relu's, is ready there); the Relu to the
    // pool's place (everything that reads the pool's output comes later).
    nodes[r] = {
      ...pool,
      inputs: [relu.inputs[0] ?? "", ...pool.inputs.slice(1)],
      outputs: [mid, ...pool.outputs.slice(1)],
    };
    nodes[p] = { ...relu, inputs: [mid], outputs: [pool.outputs[0] ?? ""] };
    changed = true;
  });
  return changed ? { ...graph, nodes } : graph;
}

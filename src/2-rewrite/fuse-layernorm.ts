import type { AttrValue, ConstTensor, Graph, GraphNode } from "../1-decode/graph.js";

/**
 * LayerNorm as exporters decompose it before opset 17 (PyTorch's nn.LayerNorm, GPT-2 style blocks):
 *
 *   m = ReduceMean(x, axes = [-k..-1]); d = x − m; v = ReduceMean(d^2 or d·d, same axes); z = d / √(v + ε)
 *   and optionally y = z · γ (+ β) with constant γ, β
 *
 * becomes one LayerNormalization(x, γ, β; axis = −k, epsilon = ε) node. Lowered node by node, d/√(v+ε)
 * is a division by a signal whose calibrated lower bound is about √ε, far inside its own error bound
 * (a model calibrated on near-constant rows is refused); the fused op computes 1/√ per row once with
 * proven relative error (normalize.ts). Fused only when every intermediate feeds the pattern alone, is
 * not a graph output, and the axes are negative (the rank is not known before quantization).
 */
export function fuseLayerNorm(graph: Graph): Graph {
  const consumers = new Map<string, GraphNode[]>();
  for (const n of graph.nodes)
    for (const i of new Set(n.inputs)) if (i !== "") consumers.set(i, [...(consumers.get(i) ?? []), n]);
  const outputs = new Set(graph.outputs.map((o) => o.name));
  const producer = new Map<string, GraphNode>();
  for (const n of graph.nodes) for (const o of n.outputs) producer.set(o, n);
  const constants = new Map(graph.constants);
  const constOf = (name: string): ConstTensor | undefined => constantValue(name, constants, producer);
  /** The single consumer of `name` when it has exactly one and is not a graph output. */
  const only = (name: string | undefined): GraphNode | undefined => {
    const c = consumers.get(name ?? "") ?? [];
    return c.length === 1 && !outputs.has(name ?? "") ? c[0] : undefined;
  };
  const scalar = (name: string | undefined): number | undefined => {
    const t = constOf(name ?? "");
    return t && t.data.length === 1 ? t.data[0] : undefined;
  };

  const replaced = new Map<GraphNode, GraphNode>();
  const dropped = new Set<GraphNode>();
  for (const m of graph.nodes) {
    if (!is(m, "ReduceMean") || dropped.has(m) || replaced.has(m)) continue;
    const k = trailingAxes(m, constOf);
    const x = m.inputs[0] ?? "";
    const sub = only(m.outputs[0]);
    if (k === undefined || !is(sub, "Sub") || sub.inputs[0] !== x || sub.inputs[1] !== m.outputs[0]) continue;
    const d = sub.outputs[0] ?? "";
    const uses = consumers.get(d) ?? [];
    if (uses.length !== 2 || outputs.has(d)) continue;
    const div = uses.find((u) => is(u, "Div") && u.inputs[0] === d && u.inputs[1] !== d);
    const sq = uses.find((u) => u !== div);
    const squares =
      (is(sq, "Pow") && sq.inputs[0] === d && scalar(sq.inputs[1]) === 2) ||
      (is(sq, "Mul") && sq.inputs[0] === d && sq.inputs[1] === d);
    if (!sq || !div || !squares) continue;
    const m2 = only(sq.outputs[0]);
    if (!is(m2, "ReduceMean") || trailingAxes(m2, constOf) !== k) continue;
    const add = only(m2.outputs[0]);
    if (!is(add, "Add")) continue;
    const v = m2.outputs[0];
    const eps = scalar(add.inputs[0] === v ? add.inputs[1] : add.inputs[0]);
    const sqrt = only(add.outputs[0]);
    if (eps === undefined || !(eps > 0) || !is(sqrt, "Sqrt") || only(sqrt.outputs[0]) !== div) continue;
    if (div.inputs[1] !== sqrt.outputs[0]) continue;

    // Optional constant γ and β (rank at most k, so they broadcast over the normalized axes only).
    const pattern = [m, sub, sq, m2, add, sqrt, div];
    let last = div;
    const affine = (op: string): ConstTensor | undefined => {
      const next = only(last.outputs[0]);
      if (!is(next, op)) return undefined;
      const other = next.inputs[0] === last.outputs[0] ? next.inputs[1] : next.inputs[0];
      const t = constOf(other ?? "");
      if (!t || t.shape.length > k) return undefined;
      pattern.push(next);
      last = next;
      return t;
    };
    const gamma = affine("Mul");
    const beta = gamma ? affine("Add") : undefined;
    const inputs = [x, fresh(constants, producer, `${m.name}/gamma`, gamma ?? ONE)];
    if (beta) inputs.push(fresh(constants, producer, `${m.name}/beta`, beta));

    const attrs = new Map<string, AttrValue>([
      ["axis", { type: "int", value: -k }],
      ["epsilon", { type: "float", value: eps }],
    ]);
    const fused: GraphNode = {
      index: m.index,
      name: `${m.name} (fused LayerNormalization)`,
      opType: "LayerNormalization",
      domain: "",
      inputs,
      outputs: [last.outputs[0] ?? ""],
      attrs,
    };
    for (const n of pattern) dropped.add(n);
    dropped.delete(last);
    replaced.set(last, fused);
  }
  if (replaced.size === 0) return graph;
  const nodes = graph.nodes.filter((n) => !dropped.has(n)).map((n) => replaced.get(n) ?? n);
  return { ...graph, nodes, constants };
}

const ONE: ConstTensor = { dtype: "float32", shape: [], data: Float64Array.of(1) };

function is(n: GraphNode | undefined, op: string): n is GraphNode {
  return n !== undefined && n.opType === op && (n.domain === "" || n.domain === "ai.onnx");
}

/** k when the ReduceMean keeps dims and reduces exactly the last k axes, given as [-k, ..., -1]. */
function trailingAxes(n: GraphNode, constOf: (name: string) => ConstTensor | undefined): number | undefined {
  const keep = n.attrs.get("keepdims");
  if (keep && keep.value !== 1) return undefined;
  const a = n.attrs.get("axes");
  const axes = a?.type === "ints" ? a.value : n.inputs[1] ? Array.from(constOf(n.inputs[1])?.data ?? []) : [];
  const sorted = [...axes].sort((p, q) => p - q);
  if (sorted.length === 0 || sorted.some((v, i) => v !== i - sorted.length)) return undefined;
  return sorted.length;
}

/** An initializer, a Constant node's value, or either through Identity nodes. */
function constantValue(
  name: string,
  constants: Map<string, ConstTensor>,
  producer: Map<string, GraphNode>,
): ConstTensor | undefined {
  const c = constants.get(name);
  if (c) return c;
  const p = producer.get(name);
  if (!p || (p.domain !== "" && p.domain !== "ai.onnx")) return undefined;
  if (p.opType === "Identity") return constantValue(p.inputs[0] ?? "", constants, producer);
  if (p.opType !== "Constant") return undefined;
  const v = p.attrs.get("value");
  if (v?.type === "tensor") return v.value;
  const f = p.attrs.get("value_float");
  if (f?.type === "float") return { dtype: "float32", shape: [], data: Float64Array.of(f.value) };
  return undefined;
}

/** Registers `t` under a new constant name derived from `base` (not a constant or node output yet). */
function fresh(
  constants: Map<string, ConstTensor>,
  producer: Map<string, GraphNode>,
  base: string,
  t: ConstTensor,
): string {
  let name = base;
  for (let i = 1; constants.has(name) || producer.has(name); i++) name = `${base}_${i}`;
  constants.set(name, t);
  return name;
}

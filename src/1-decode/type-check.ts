/**
 * Whole-graph type and shape inference before any long work: onnxruntime (zkmlc's float reference)
 * builds a session from the model with its inputs at their concrete shapes, which runs ONNX's type and
 * shape inference over every node and refuses a type-invalid graph. Without this, such a model compiles
 * and sets up, then fails at witness time when onnxruntime first sees it. About 0.1 s (ort-check.ts).
 */

import onnxProto from "onnx-proto";
import { fail, type NodeRef } from "../errors.js";
import type { Graph, GraphNode, ValueInfo } from "./graph.js";
import { nodeRef } from "./graph.js";
import { ortSessionErrors } from "./ort-check.js";

const { onnx } = onnxProto;

/** The model's bytes with every graph input at its resolved shape (and the default opset replaced). */
function concrete(bytes: Uint8Array, inputs: readonly ValueInfo[], opset?: number): Uint8Array {
  const m = onnx.ModelProto.decode(bytes);
  const shapes = new Map(inputs.map((i) => [i.name, i.shape]));
  for (const v of m.graph?.input ?? []) {
    const shape = shapes.get(v.name ?? "");
    const tt = v.type?.tensorType;
    if (shape && tt) tt.shape = { dim: shape.map((d) => ({ dimValue: d })) };
  }
  if (opset !== undefined)
    for (const o of m.opsetImport) if (!o.domain || o.domain === "ai.onnx") o.version = opset;
  return onnx.ModelProto.encode(m).finish();
}

/** Drop the C++ source location and signature onnxruntime puts before some messages. */
const clean = (message: string): string =>
  message.replace(/^\/onnxruntime_src\/\S+:\d+ .*?\) (?=[A-Z])/s, "").trim();

/** The node onnxruntime's message names (or whose missing input it names), when the graph has it. */
function namedNode(graph: Graph, message: string): NodeRef | undefined {
  const input = /Node input '([^']*)' is not a graph input/.exec(message)?.[1];
  if (input !== undefined) {
    const n = graph.nodes.find((x) => x.inputs.includes(input));
    return n ? nodeRef(n) : undefined;
  }
  const m =
    /In Node, \("([^"]*)"/.exec(message) ??
    /[Nn]ode \(([^)]*)\)/.exec(message) ??
    /Node\(([^)]*)\)/.exec(message) ??
    /node with name '([^']*)'/.exec(message);
  const name = m?.[1];
  const n = name ? graph.nodes.find((x) => x.name === name) : undefined;
  if (n) return nodeRef(n);
  // "Unrecognized attribute: axes for operator ReduceSum": the node, when only one has that op.
  const op = /for operator (\w+)/.exec(message)?.[1];
  const same = graph.nodes.filter((x) => x.opType === op);
  return same.length === 1 ? nodeRef(same[0] as GraphNode) : undefined;
}

/**
 * Refuse a model whose types or shapes do not check (bad-onnx, naming the node when onnxruntime does,
 * with onnxruntime's own words). Some refusals pass: a kernel the CPU provider lacks or cannot build
 * ("Could not find an implementation", e.g. Max on int16; "Exception during initialization", e.g. LSTM
 * with layout 1), since zkmlc lowers the op itself; float Equal/Less/... under an opset below 11, which
 * exporters write and zkmlc's constant folder accepts (it retries such nodes at opset 11).
 */
export async function typeCheck(bytes: Uint8Array, graph: Graph): Promise<void> {
  const models = [concrete(bytes, graph.inputs)];
  if (graph.opset < 11) models.push(concrete(bytes, graph.inputs, 11));
  const [first, at11] = await ortSessionErrors(models);
  if (first === undefined) return;
  let message = clean(first);
  if (/Type Error/.test(message) && models.length > 1 && at11 === undefined) return;
  // After type and shape inference passed: a kernel the CPU provider lacks or cannot build (LSTM with
  // layout 1, an activation it does not implement); zkmlc lowers the op itself.
  if (/^(Could not find an implementation|Exception during initialization)/.test(message)) return;
  if (message.startsWith("onnxruntime crashed"))
    fail("bad-onnx", message, {
      hint: "the model is malformed: look for negative or huge values in shape-like inputs (Reshape, Expand, Tile, Pad, Slice, Resize) and check it with onnx.checker.check_model(model, full_check=True)",
    });
  message = message.replace(/^This is an invalid model\.\s*/, "");
  const node = namedNode(graph, message);
  // "In Node, ("name", Op, "", -1) : (inputs) -> (outputs) , Error <what>": the node is named already.
  if (node) message = message.replace(/^In Node, \(.*?\) , Error /s, "");
  fail("bad-onnx", `onnxruntime's type and shape inference refuses the model: ${message}`, {
    ...(node ? { node } : {}),
    hint: "the model is not valid ONNX (onnx.checker.check_model(model, full_check=True) shows the same); re-export it, and check --input-shape if you gave one",
  });
}

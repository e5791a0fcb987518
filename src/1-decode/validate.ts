/**
 * Rules a decoded model must satisfy before any long work: a default-domain opset zkmlc can run, outputs
 * to prove, and single-assignment tensor names. Cheap checks on the decoded graph; the whole-graph type
 * and shape inference is onnxruntime's (type-check.ts).
 */
import { fail } from "../errors.js";
import type { Graph } from "./graph.js";
import { nodeRef } from "./graph.js";
import { toNumber } from "./tensor.js";

/** ONNX opsets start at 1. */
export const MIN_OPSET = 1;
/**
 * Highest default-domain opset accepted. onnxruntime-node is zkmlc's float reference and constant
 * folder, so the opsets it loads are the ones zkmlc can handle: sessions of one-node models (Relu, Add)
 * built with onnx-builder.ts at opsets 20..30 load up to 26 with onnxruntime-node 1.30 and fail from 27
 * ("ONNX Runtime only *guarantees* support for models stamped with official released onnx opset
 * versions"). Raise it with the onnxruntime-node dependency, after re-running that check.
 */
export const MAX_OPSET = 26;

const OPSET_HINT = `re-export the model at an opset from ${MIN_OPSET} to ${MAX_OPSET} (torch.onnx.export(..., opset_version=17)), or convert it with onnx.version_converter.convert_version(model, ${MAX_OPSET})`;

type OpsetImport = import("onnx-proto").onnx.IOperatorSetIdProto;

const isDefault = (domain: string | null | undefined): boolean => !domain || domain === "ai.onnx";

/** The default-domain opset version, checked against what zkmlc (and its onnxruntime) can load. */
export function checkOpset(imports: readonly OpsetImport[]): number {
  const seen = new Set<string>();
  for (const o of imports) {
    const domain = isDefault(o.domain) ? "ai.onnx" : (o.domain as string);
    if (seen.has(domain))
      fail("bad-onnx", `the model imports the domain "${domain}" twice in opset_import`, {
        hint: "keep one opset_import entry per domain",
      });
    seen.add(domain);
  }
  const def = imports.find((o) => isDefault(o.domain));
  if (!def)
    fail(
      "bad-onnx",
      "the model declares no version of the default ONNX domain (opset_import has no ai.onnx entry)",
      {
        hint: OPSET_HINT,
      },
    );
  const v = toNumber(def.version);
  if (!(v >= MIN_OPSET && v <= MAX_OPSET))
    fail(
      "bad-onnx",
      `the model uses ONNX opset ${v}; zkmlc supports opsets ${MIN_OPSET} to ${MAX_OPSET} (the opsets onnxruntime-node, its float reference, loads)`,
      {
        hint:
          v < MIN_OPSET
            ? "opset versions start at 1: the opset_import entry is corrupt; re-export the model"
            : OPSET_HINT,
      },
    );
  return v;
}

/** Where a tensor name comes from, for "produced twice" messages. */
function origin(graph: Graph, name: string, producer: Map<string, number>): string {
  const i = producer.get(name);
  if (i !== undefined) return `node #${i} "${graph.nodes[i]?.name}"`;
  return graph.constants.has(name) ? "an initializer" : "a graph input";
}

/**
 * Graph structure: named, distinct inputs and outputs; at least one output; every node with an op type;
 * every tensor assigned once (by a graph input, an initializer or one node output).
 */
export function checkStructure(graph: Graph): void {
  if (graph.outputs.length === 0)
    fail("bad-onnx", "the graph has no outputs: there is nothing to prove", {
      hint: "export the model with its result listed as a graph output (torch.onnx.export(..., output_names=[...]))",
    });
  const names = (list: { name: string }[], what: string) => {
    const seen = new Set<string>();
    for (const { name } of list) {
      if (name === "")
        fail("bad-onnx", `a graph ${what} has an empty name`, {
          hint: "every graph input and output needs a name",
        });
      if (seen.has(name))
        fail("bad-onnx", `the graph lists ${what} "${name}" twice`, { hint: `give each graph ${what} once` });
      seen.add(name);
    }
  };
  names(graph.inputs, "input");
  names(graph.outputs, "output");
  const producer = new Map<string, number>();
  const defined = new Set([...graph.inputs.map((i) => i.name), ...graph.constants.keys()]);
  for (const n of graph.nodes) {
    if (n.opType === "")
      fail("bad-onnx", "the node has an empty op_type", {
        node: nodeRef(n),
        hint: "every node needs an operator type",
      });
    for (const o of n.outputs) {
      if (o === "") continue;
      if (defined.has(o))
        fail("bad-onnx", `output "${o}" is already produced by ${origin(graph, o, producer)}`, {
          node: nodeRef(n),
          hint: "ONNX tensors are assigned once: rename one of them",
        });
      defined.add(o);
      producer.set(o, n.index);
    }
  }
  // Topological order: every input of a node comes before it; every graph output is produced.
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
}

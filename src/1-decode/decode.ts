import onnxProto from "onnx-proto";

const { onnx } = onnxProto;

import { fail } from "../errors.js";
import type { AttrValue, ConstTensor, Graph, GraphNode, ValueInfo } from "./graph.js";
import {
  checkShapeNames,
  type DeclaredDim,
  type InputShapes,
  type OpenInput,
  openInputsError,
  resolveInputShape,
} from "./input-shapes.js";
import { decodeTensor, dtypeOf, toNumber } from "./tensor.js";
import { checkOpset, checkStructure } from "./validate.js";

const A = onnx.AttributeProto.AttributeType;
const utf8 = new TextDecoder();

function decodeAttr(a: import("onnx-proto").onnx.IAttributeProto, where: string): AttrValue {
  switch (a.type) {
    case A.INT:
      return { type: "int", value: toNumber(a.i) };
    case A.FLOAT:
      return { type: "float", value: a.f ?? 0 };
    case A.STRING:
      return { type: "string", value: utf8.decode(a.s ?? new Uint8Array()) };
    case A.INTS:
      return { type: "ints", value: (a.ints ?? []).map(toNumber) };
    case A.FLOATS:
      return { type: "floats", value: [...(a.floats ?? [])] };
    case A.STRINGS:
      return { type: "strings", value: (a.strings ?? []).map((s) => utf8.decode(s)) };
    case A.TENSOR:
      return { type: "tensor", value: decodeTensor(a.t ?? {}, `${where} attribute "${a.name}"`) };
    default:
      return { type: "unsupported", value: onnx.AttributeProto.AttributeType[a.type ?? 0] ?? "UNDEFINED" };
  }
}

type IValueInfo = import("onnx-proto").onnx.IValueInfoProto;

function tensorType(v: IValueInfo): import("onnx-proto").onnx.TypeProto.ITensor {
  const tt = v.type?.tensorType;
  if (!tt)
    fail("bad-onnx", `graph value "${v.name ?? ""}" is not a tensor`, {
      hint: "sequences, maps and optionals are not supported",
    });
  return tt;
}

/** Each dim as the model declares it: a size, a symbolic name, or null (unknown); undefined: no shape. */
function declaredDims(v: IValueInfo): DeclaredDim[] | undefined {
  const shape = tensorType(v).shape;
  if (!shape) return undefined;
  return (shape.dim ?? []).map((d) => {
    if (d.dimValue !== null && d.dimValue !== undefined) {
      const n = toNumber(d.dimValue);
      // Some converters write -1 for an unknown size.
      return n < 0 ? null : n;
    }
    return d.dimParam ? d.dimParam : null;
  });
}

/** A graph output: its declared shape is informational (zkmlc computes it), open dims read as 1. */
function decodeOutput(v: IValueInfo): ValueInfo {
  const name = v.name ?? "";
  const shape = (declaredDims(v) ?? []).map((d) => (typeof d === "number" && d > 0 ? d : 1));
  return { name, dtype: dtypeOf(tensorType(v).elemType ?? 0, `graph value "${name}"`), shape };
}

/** Concrete shapes of the graph inputs (input-shapes.ts has the rules); every open input in one error. */
function decodeInputs(list: IValueInfo[], given: InputShapes, notes: string[]): ValueInfo[] {
  const open: OpenInput[] = [];
  const out = list.map((v): ValueInfo => {
    const name = v.name ?? "";
    const dtype = dtypeOf(tensorType(v).elemType ?? 0, `graph input "${name}"`);
    const dims = declaredDims(v);
    const r = resolveInputShape(name, dims, Object.hasOwn(given, name) ? given[name] : undefined);
    if (!r) open.push({ name, dims });
    if (r?.note) notes.push(r.note);
    return { name, dtype, shape: r?.shape ?? [] };
  });
  if (open.length > 0) openInputsError(open);
  return out;
}

export interface DecodeOptions {
  /** --input-shape: concrete shapes of graph inputs, by name. */
  inputShapes?: InputShapes;
}

/**
 * Decode an ONNX model file's bytes into zkmlc's graph: nodes, constants and concrete input shapes,
 * checked by the structural rules of validate.ts.
 */
export function decodeModel(bytes: Uint8Array, opts: DecodeOptions = {}): Graph {
  let model: InstanceType<typeof onnx.ModelProto>;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    fail("bad-onnx", `not a valid ONNX protobuf: ${(e as Error).message}`, {
      hint: "check that the file is an .onnx model and was not truncated",
      cause: e,
    });
  }
  const g = model.graph;
  if (!g || (g.node?.length ?? 0) === 0) {
    fail("bad-onnx", "the model has no graph or an empty graph", {
      hint: "check that the file is an .onnx model",
    });
  }
  const opset = checkOpset(model.opsetImport ?? []);

  const constants = new Map<string, ConstTensor>();
  for (const t of g.initializer ?? []) {
    constants.set(t.name ?? "", decodeTensor(t, `initializer "${t.name ?? ""}"`));
  }
  // Inputs that also have an initializer are constants (ONNX IR < 4 lists initializers as inputs; from
  // IR 4 the initializer is the input's default value): compiled into the circuit, never read from a file.
  const graphInputs = g.input ?? [];
  const constantInputs = graphInputs.map((v) => v.name ?? "").filter((n) => constants.has(n));
  const given = opts.inputShapes ?? {};
  checkShapeNames(
    given,
    graphInputs.map((v) => v.name ?? "").filter((n) => !constants.has(n)),
    new Set(constantInputs),
  );
  const notes: string[] = [];
  const inputs = decodeInputs(
    graphInputs.filter((v) => !constants.has(v.name ?? "")),
    given,
    notes,
  );
  const outputs = (g.output ?? []).map(decodeOutput);
  if (inputs.length === 0)
    fail("bad-onnx", "the graph has no non-constant input", {
      hint: "every graph input has an initializer: there is no input to prove a computation on",
    });

  const nodes: GraphNode[] = (g.node ?? []).map((n, index) => {
    const name = n.name || `${n.opType}_${index}`;
    const where = `node #${index} "${name}"`;
    return {
      index,
      name,
      opType: n.opType ?? "",
      domain: n.domain ?? "",
      inputs: [...(n.input ?? [])],
      outputs: [...(n.output ?? [])],
      attrs: new Map((n.attribute ?? []).map((a) => [a.name ?? "", decodeAttr(a, where)])),
    };
  });
  const graph: Graph = { opset, producer: model.producerName ?? "", inputs, outputs, nodes, constants };
  if (constantInputs.length > 0) graph.constantInputs = constantInputs;
  if (notes.length > 0) graph.notes = notes;
  checkStructure(graph);
  return graph;
}

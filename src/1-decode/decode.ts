import onnxProto from "onnx-proto";

const { onnx } = onnxProto;

import { fail } from "../errors.js";
import type { AttrValue, ConstTensor, Graph, GraphNode, ValueInfo } from "./graph.js";
import { decodeTensor, dtypeOf, toNumber } from "./tensor.js";

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

function decodeValueInfo(v: import("onnx-proto").onnx.IValueInfoProto): ValueInfo {
  const name = v.name ?? "";
  const tt = v.type?.tensorType;
  if (!tt)
    fail("bad-onnx", `graph value "${name}" is not a tensor`, {
      hint: "sequences, maps and optionals are not supported",
    });
  // Symbolic dims (dim_param such as "batch_size") and unknown dims are taken as 1: zkmlc proves one sample.
  const shape = (tt.shape?.dim ?? []).map((d) =>
    d.dimValue !== null && d.dimValue !== undefined ? toNumber(d.dimValue) || 1 : 1,
  );
  return { name, dtype: dtypeOf(tt.elemType ?? 0, `graph value "${name}"`), shape };
}

/** Decode an ONNX model file's bytes into zkmlc's graph: nodes, constants and concrete I/O shapes. */
export function decodeModel(bytes: Uint8Array): Graph {
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
  const defaultOpset = model.opsetImport.find((o) => !o.domain || o.domain === "ai.onnx");
  const opset = defaultOpset ? toNumber(defaultOpset.version) : 1;

  const constants = new Map<string, ConstTensor>();
  for (const t of g.initializer ?? []) {
    constants.set(t.name ?? "", decodeTensor(t, `initializer "${t.name ?? ""}"`));
  }
  // Inputs that also have an initializer are constants (ONNX IR < 4 lists initializers as inputs).
  const inputs = (g.input ?? []).filter((v) => !constants.has(v.name ?? "")).map(decodeValueInfo);
  const outputs = (g.output ?? []).map(decodeValueInfo);
  if (inputs.length === 0) fail("bad-onnx", "the graph has no non-constant input");

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
  return { opset, producer: model.producerName ?? "", inputs, outputs, nodes, constants };
}

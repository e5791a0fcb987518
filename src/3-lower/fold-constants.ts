import { InferenceSession, type Tensor } from "onnxruntime-node";
import type { ConstTensor, DType, GraphNode } from "../1-decode/graph.js";
import { nodeRef } from "../1-decode/graph.js";
import { attr, buildModel, DataType, node as makeNode, tensorProto } from "../1-decode/onnx-builder.js";
import { fail } from "../errors.js";

/** Op types whose output depends only on the input's shape, so they are constants of any input. */
export const SHAPE_ONLY_OPS: ReadonlySet<string> = new Set(["Shape", "Size"]);

const ONNX_TYPE: Record<DType, number> = {
  float32: DataType.FLOAT,
  float64: DataType.DOUBLE,
  float16: DataType.FLOAT16,
  int8: DataType.INT8,
  int16: DataType.INT16,
  int32: DataType.INT32,
  int64: DataType.INT64,
  uint8: DataType.UINT8,
  uint16: DataType.UINT16,
  uint32: DataType.UINT32,
  uint64: DataType.UINT64,
  bool: DataType.BOOL,
};

const FROM_ORT: Partial<Record<Tensor.Type, DType>> = {
  float32: "float32",
  float64: "float64",
  int8: "int8",
  int16: "int16",
  int32: "int32",
  int64: "int64",
  uint8: "uint8",
  uint16: "uint16",
  uint32: "uint32",
  uint64: "uint64",
  bool: "bool",
};

/**
 * Evaluate a node whose inputs are all compile-time constants with onnxruntime (the reference
 * implementation of every ONNX op), so Shape→Gather→Concat→Reshape chains, Cast, Range,
 * ConstantOfShape and any constant subgraph cost nothing and need no lowering of their own.
 */
export async function foldNode(
  node: GraphNode,
  inputs: (ConstTensor | undefined)[],
  opset: number,
): Promise<ConstTensor[]> {
  const names = inputs.map((t, i) => (t ? `in${i}` : ""));
  const outs = node.outputs.map((o, i) => (o === "" ? "" : `out${i}`));
  const build = (version: number): Uint8Array => {
    try {
      return buildModel({
        nodes: [makeNode(node.opType, names, outs, attrsOf(node), node.name)],
        initializers: inputs.flatMap((t, i) =>
          t ? [tensorProto(`in${i}`, t.shape, encodable(t), "raw", ONNX_TYPE[t.dtype] as DataType)] : [],
        ),
        inputs: [],
        outputs: outs.filter((o) => o !== "").map((name) => ({ name })),
        opset: version,
      });
    } catch (e) {
      fail("unsupported-op", `cannot fold this constant node: ${(e as Error).message}`, {
        node: nodeRef(node),
        cause: e,
      });
    }
  };
  const bytes = build(opset);
  let result: InferenceSession.ReturnType;
  try {
    result = await evaluate(bytes).catch(async (e: Error) => {
      // Opset 11 widened many ops' type constraints (Equal on floats, ...); exporters emit such nodes under
      // opset 10 and lenient runtimes accept them. Retried only where the model's own opset failed.
      if (opset >= 11 || !/Type Error/.test(e.message)) throw e;
      return evaluate(build(11));
    });
  } catch (e) {
    fail(
      "unsupported-op",
      `its inputs are constants, but onnxruntime could not evaluate it: ${(e as Error).message}`,
      {
        node: nodeRef(node),
        cause: e,
        hint: "check the node's attributes and input types",
      },
    );
  }
  return outs.map((o) => {
    const t = o === "" ? undefined : result[o];
    if (!t) return { dtype: "float32", shape: [0], data: new Float64Array(0) };
    const dtype = FROM_ORT[t.type];
    if (!dtype)
      fail("unsupported-op", `folding produced a ${t.type} tensor, which zkmlc cannot hold`, {
        node: nodeRef(node),
      });
    const data = Float64Array.from(t.data as ArrayLike<number | bigint>, (v) => Number(v));
    return { dtype, shape: [...t.dims], data };
  });
}

async function evaluate(bytes: Uint8Array): Promise<InferenceSession.ReturnType> {
  const session = await InferenceSession.create(bytes);
  try {
    return await session.run({});
  } finally {
    await session.release();
  }
}

/** Values in the form tensorProto's raw encoder takes for the dtype (64-bit integers as bigint). */
function encodable(t: ConstTensor): ArrayLike<number | bigint> {
  return t.dtype === "int64" || t.dtype === "uint64" ? Array.from(t.data, (v) => BigInt(v)) : t.data;
}

/** The decoded attributes back in NodeProto form. */
function attrsOf(node: GraphNode): Parameters<typeof makeNode>[3] {
  const out: NonNullable<Parameters<typeof makeNode>[3]> = {};
  for (const [k, a] of node.attrs) {
    switch (a.type) {
      case "int":
        out[k] = attr.int(a.value);
        break;
      case "float":
        out[k] = attr.float(a.value);
        break;
      case "string":
        out[k] = attr.string(a.value);
        break;
      case "ints":
        out[k] = attr.ints(a.value);
        break;
      case "floats":
        out[k] = attr.floats(a.value);
        break;
      case "strings":
        out[k] = attr.strings(a.value);
        break;
      case "tensor":
        out[k] = attr.tensor(
          tensorProto("", a.value.shape, encodable(a.value), "raw", ONNX_TYPE[a.value.dtype] as DataType),
        );
        break;
      case "unsupported":
        fail("unsupported-op", `attribute ${k} (${a.value}) cannot be folded`, { node: nodeRef(node) });
    }
  }
  return out;
}

/**
 * A small typed helper to BUILD ONNX models with onnx-proto: used by the example scripts (to write
 * trained models) and by unit tests of the ONNX decoder (to produce every initializer encoding and
 * attribute type the decoder must understand).
 *
 * Notes on onnx-proto (protobufjs 6):
 * - It is a CommonJS module whose exports Node's ESM loader cannot see by name, so it must be imported
 *   as a default import (`import onnxProto from "onnx-proto"; const { onnx } = onnxProto;`).
 * - int64 fields (dims, int64_data, AttributeProto.i / ints, opset versions, ir_version) accept `number`
 *   (or a Long) when encoding but DECODE AS `Long` objects (`long` is installed), even for small values.
 */
import onnxProto from "onnx-proto";

/** The onnx-proto namespace (classes `onnx.ModelProto`, ... with `encode` / `decode`). */
export const { onnx } = onnxProto;

type Onnx = typeof onnx;
export type ITensorProto = import("onnx-proto").onnx.ITensorProto;
export type IAttributeProto = import("onnx-proto").onnx.IAttributeProto;
export type INodeProto = import("onnx-proto").onnx.INodeProto;
export type IValueInfoProto = import("onnx-proto").onnx.IValueInfoProto;
export type IModelProto = import("onnx-proto").onnx.IModelProto;
type ITensorShapeDimension = import("onnx-proto").onnx.TensorShapeProto.IDimension;
/** protobufjs' representation of an int64 field value (`number | Long`). */
type Int64 = NonNullable<ITensorProto["int64Data"]>[number];

/** ONNX element types (`TensorProto.DataType`), e.g. `DataType.FLOAT === 1`, `DataType.INT64 === 7`. */
export const DataType: Onnx["TensorProto"]["DataType"] = onnx.TensorProto.DataType;
export type DataType = import("onnx-proto").onnx.TensorProto.DataType;

/** Which TensorProto field holds the values. */
export type TensorEncoding = "raw" | "float_data" | "int64_data" | "int32_data" | "double_data";

/** Element types each typed field may hold (per onnx.proto's comments). */
const FIELD_TYPES: Record<Exclude<TensorEncoding, "raw">, readonly number[]> = {
  float_data: [DataType.FLOAT, DataType.COMPLEX64],
  int64_data: [DataType.INT64],
  int32_data: [
    DataType.INT32,
    DataType.INT16,
    DataType.INT8,
    DataType.UINT16,
    DataType.UINT8,
    DataType.BOOL,
    DataType.FLOAT16,
    DataType.BFLOAT16,
  ],
  double_data: [DataType.DOUBLE, DataType.COMPLEX128],
};

const DEFAULT_TYPE: Record<TensorEncoding, DataType> = {
  raw: DataType.FLOAT,
  float_data: DataType.FLOAT,
  int64_data: DataType.INT64,
  int32_data: DataType.INT32,
  double_data: DataType.DOUBLE,
};

/** Converts an integer to protobufjs' int64 representation (a number when exact, else a Long-like). */
export function int64(v: number | bigint): Int64 {
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v)) throw new RangeError(`int64 value ${v} is not a safe integer`);
    return v;
  }
  if (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(v);
  if (v < -(1n << 63n) || v >= 1n << 63n) throw new RangeError(`int64 value ${v} out of range`);
  const u = BigInt.asUintN(64, v);
  // protobufjs' writer accepts any { low, high } object for 64-bit fields.
  return {
    low: Number(u & 0xffffffffn) | 0,
    high: Number(u >> 32n) | 0,
    unsigned: false,
  } as unknown as Int64;
}

function toNumber(v: number | bigint): number {
  return typeof v === "bigint" ? Number(v) : v;
}

function toBigInt(v: number | bigint): bigint {
  if (typeof v === "bigint") return v;
  if (!Number.isInteger(v)) throw new RangeError(`integer tensor value ${v} is not an integer`);
  return BigInt(v);
}

function checkInt(v: number, lo: number, hi: number, what: string): number {
  if (!Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`${what} value ${v} out of range`);
  return v;
}

/** Little-endian raw_data bytes of `values` as `dataType`. */
function rawBytes(values: ArrayLike<number | bigint>, dataType: DataType): Uint8Array {
  const n = values.length;
  const size: Partial<Record<DataType, number>> = {
    [DataType.FLOAT]: 4,
    [DataType.DOUBLE]: 8,
    [DataType.INT64]: 8,
    [DataType.UINT64]: 8,
    [DataType.INT32]: 4,
    [DataType.UINT32]: 4,
    [DataType.INT16]: 2,
    [DataType.UINT16]: 2,
    [DataType.INT8]: 1,
    [DataType.UINT8]: 1,
    [DataType.BOOL]: 1,
  };
  const width = size[dataType];
  if (width === undefined)
    throw new Error(`raw encoding of data type ${DataType[dataType]} is not supported`);
  const buf = new Uint8Array(n * width);
  const dv = new DataView(buf.buffer);
  for (let i = 0; i < n; i++) {
    const v = values[i] as number | bigint;
    const o = i * width;
    switch (dataType) {
      case DataType.FLOAT:
        dv.setFloat32(o, toNumber(v), true);
        break;
      case DataType.DOUBLE:
        dv.setFloat64(o, toNumber(v), true);
        break;
      case DataType.INT64:
        dv.setBigInt64(o, BigInt.asIntN(64, toBigInt(v)), true);
        break;
      case DataType.UINT64:
        dv.setBigUint64(o, BigInt.asUintN(64, toBigInt(v)), true);
        break;
      case DataType.INT32:
        dv.setInt32(o, checkInt(toNumber(v), -(2 ** 31), 2 ** 31 - 1, "INT32"), true);
        break;
      case DataType.UINT32:
        dv.setUint32(o, checkInt(toNumber(v), 0, 2 ** 32 - 1, "UINT32"), true);
        break;
      case DataType.INT16:
        dv.setInt16(o, checkInt(toNumber(v), -(2 ** 15), 2 ** 15 - 1, "INT16"), true);
        break;
      case DataType.UINT16:
        dv.setUint16(o, checkInt(toNumber(v), 0, 2 ** 16 - 1, "UINT16"), true);
        break;
      case DataType.INT8:
        dv.setInt8(o, checkInt(toNumber(v), -128, 127, "INT8"));
        break;
      case DataType.UINT8:
        dv.setUint8(o, checkInt(toNumber(v), 0, 255, "UINT8"));
        break;
      case DataType.BOOL:
        dv.setUint8(o, checkInt(toNumber(v), 0, 1, "BOOL"));
        break;
    }
  }
  return buf;
}

/**
 * A TensorProto (initializer or attribute tensor) holding `values` (row-major) with shape `dims`,
 * stored in the field selected by `encoding`:
 * - `"raw"`: raw_data, little-endian bytes (FLOAT, DOUBLE, (U)INT8/16/32/64, BOOL);
 * - `"float_data"` (FLOAT), `"double_data"` (DOUBLE), `"int64_data"` (INT64),
 *   `"int32_data"` (INT32, INT16, INT8, UINT16, UINT8, BOOL).
 * `dataType` defaults to FLOAT for raw / float_data, INT64, INT32 and DOUBLE for the others.
 * Integer values may be numbers or bigints.
 */
export function tensorProto(
  name: string,
  dims: readonly number[],
  values: ArrayLike<number | bigint>,
  encoding: TensorEncoding = "raw",
  dataType: DataType = DEFAULT_TYPE[encoding],
): ITensorProto {
  const count = dims.reduce((a, d) => a * d, 1);
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new RangeError(`tensor "${name}": bad dims [${dims.join(", ")}]`);
  }
  if (values.length !== count) {
    throw new RangeError(
      `tensor "${name}": ${values.length} values for dims [${dims.join(", ")}] (${count})`,
    );
  }
  if (encoding !== "raw" && !FIELD_TYPES[encoding].includes(dataType)) {
    throw new Error(`tensor "${name}": ${encoding} cannot hold data type ${DataType[dataType]}`);
  }
  const t: ITensorProto = { name, dims: dims.map((d) => d), dataType };
  const arr = Array.from(values);
  switch (encoding) {
    case "raw":
      t.rawData = rawBytes(values, dataType);
      break;
    case "float_data":
      t.floatData = arr.map(toNumber);
      break;
    case "double_data":
      t.doubleData = arr.map(toNumber);
      break;
    case "int64_data":
      t.int64Data = arr.map((v) => int64(toBigInt(v)));
      break;
    case "int32_data":
      t.int32Data = arr.map((v) => {
        const x = toNumber(v);
        if (dataType === DataType.FLOAT16 || dataType === DataType.BFLOAT16) {
          return checkInt(x, 0, 0xffff, "16-bit float bit pattern");
        }
        return checkInt(x, -(2 ** 31), 2 ** 31 - 1, DataType[dataType] ?? "int32");
      });
      break;
  }
  return t;
}

/**
 * An attribute value for `node()`. Integers and floats cannot be told apart in JavaScript
 * (`1 === 1.0`), so numbers must be tagged with one of the `attr.*` helpers; a plain string is
 * accepted as a STRING attribute.
 */
export interface Attr {
  readonly kind: "attr";
  /** AttributeProto without its name. */
  readonly proto: IAttributeProto;
}
export type AttrValue = Attr | string;

const AT = onnx.AttributeProto.AttributeType;
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const mk = (proto: IAttributeProto): Attr => ({ kind: "attr", proto });

export const attr = {
  /** INT attribute, e.g. `transB: attr.int(1)`. */
  int: (v: number | bigint): Attr => mk({ type: AT.INT, i: int64(v) }),
  /** INTS attribute, e.g. `perm: attr.ints([0, 2, 1])`. */
  ints: (v: readonly (number | bigint)[]): Attr => mk({ type: AT.INTS, ints: v.map((x) => int64(x)) }),
  /** FLOAT attribute, e.g. `alpha: attr.float(1)`. */
  float: (v: number): Attr => mk({ type: AT.FLOAT, f: v }),
  /** FLOATS attribute. */
  floats: (v: readonly number[]): Attr => mk({ type: AT.FLOATS, floats: [...v] }),
  /** STRING attribute (UTF-8). A plain string in the attribute record means the same. */
  string: (v: string): Attr => mk({ type: AT.STRING, s: utf8(v) }),
  /** STRINGS attribute. */
  strings: (v: readonly string[]): Attr => mk({ type: AT.STRINGS, strings: v.map(utf8) }),
  /** TENSOR attribute, e.g. Constant's `value: attr.tensor(tensorProto("", [2], [1, 2]))`. */
  tensor: (t: ITensorProto): Attr => mk({ type: AT.TENSOR, t }),
  /** TENSORS attribute. */
  tensors: (ts: readonly ITensorProto[]): Attr => mk({ type: AT.TENSORS, tensors: [...ts] }),
} as const;

/** A NodeProto. Attribute names are emitted in the record's order. */
export function node(
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  attrs: Record<string, AttrValue> = {},
  name = "",
  domain = "",
): INodeProto {
  const attribute: IAttributeProto[] = Object.entries(attrs).map(([key, v]) => {
    if (typeof v === "string") return { name: key, type: AT.STRING, s: utf8(v) };
    if (typeof v !== "object" || v === null || v.kind !== "attr") {
      throw new TypeError(`attribute "${key}" of ${opType}: use attr.int/float/ints/... to give its type`);
    }
    return { name: key, ...v.proto };
  });
  const n: INodeProto = { opType, input: [...inputs], output: [...outputs], attribute };
  if (name !== "") n.name = name;
  if (domain !== "") n.domain = domain;
  return n;
}

/**
 * A ValueInfoProto for a tensor: `dims` entries are a fixed size (number), a symbolic dim_param
 * (string), or `null` for an unknown dimension. `dims` undefined means unknown rank.
 */
export function valueInfo(
  name: string,
  elemType: DataType,
  dims?: readonly (number | string | null)[],
): IValueInfoProto {
  const tensorType: import("onnx-proto").onnx.TypeProto.ITensor = { elemType };
  if (dims !== undefined) {
    tensorType.shape = {
      dim: dims.map((d): ITensorShapeDimension => {
        if (d === null) return {};
        if (typeof d === "string") return { dimParam: d };
        return { dimValue: int64(d) };
      }),
    };
  }
  return { name, type: { tensorType } };
}

export interface BuildModelOptions {
  nodes: readonly INodeProto[];
  initializers?: readonly ITensorProto[];
  inputs: readonly IValueInfoProto[];
  outputs: readonly IValueInfoProto[];
  /** Intermediate value infos (graph.value_info). */
  valueInfos?: readonly IValueInfoProto[];
  /** Default-domain opset version. Default 13. */
  opset?: number;
  /** Extra operator sets, e.g. `{ "com.microsoft": 1 }`. */
  extraOpsets?: Record<string, number>;
  /** Default 8 (ONNX 1.10). */
  irVersion?: number;
  /** Default "zkmlc". */
  producer?: string;
  producerVersion?: string;
  /** Graph name. Default "main". */
  graphName?: string;
  /** ModelProto.doc_string. */
  docString?: string;
  /** ModelProto.metadata_props. */
  metadata?: Record<string, string>;
}

/** The ModelProto (before encoding), for callers that want to adjust it. */
export function modelProto(opts: BuildModelOptions): IModelProto {
  const opsetImport = [{ domain: "", version: int64(opts.opset ?? 13) }];
  for (const [domain, version] of Object.entries(opts.extraOpsets ?? {})) {
    opsetImport.push({ domain, version: int64(version) });
  }
  const m: IModelProto = {
    irVersion: int64(opts.irVersion ?? 8),
    producerName: opts.producer ?? "zkmlc",
    opsetImport,
    graph: {
      name: opts.graphName ?? "main",
      node: [...opts.nodes],
      initializer: [...(opts.initializers ?? [])],
      input: [...opts.inputs],
      output: [...opts.outputs],
      valueInfo: [...(opts.valueInfos ?? [])],
    },
  };
  if (opts.producerVersion !== undefined) m.producerVersion = opts.producerVersion;
  if (opts.docString !== undefined) m.docString = opts.docString;
  if (opts.metadata !== undefined) {
    m.metadataProps = Object.entries(opts.metadata).map(([key, value]) => ({ key, value }));
  }
  return m;
}

/** Encodes a ModelProto to bytes (what a `.onnx` file holds). */
export function encodeModel(m: IModelProto): Uint8Array {
  const err = onnx.ModelProto.verify(m);
  if (err !== null) throw new Error(`invalid ModelProto: ${err}`);
  const bytes = onnx.ModelProto.encode(m).finish();
  // protobufjs returns a Node Buffer that may share a pooled ArrayBuffer; hand back an exact copy.
  return new Uint8Array(bytes);
}

/** Builds and encodes an ONNX model: `writeFileSync("model.onnx", buildModel({...}))`. */
export function buildModel(opts: BuildModelOptions): Uint8Array {
  return encodeModel(modelProto(opts));
}

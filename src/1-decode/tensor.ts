import onnxProto from "onnx-proto";

const { onnx } = onnxProto;

import { fail } from "../errors.js";
import type { ConstTensor, DType } from "./graph.js";

const T = onnx.TensorProto.DataType;

const DTYPES: Partial<Record<number, { dtype: DType; bytes: number }>> = {
  [T.FLOAT]: { dtype: "float32", bytes: 4 },
  [T.DOUBLE]: { dtype: "float64", bytes: 8 },
  [T.FLOAT16]: { dtype: "float16", bytes: 2 },
  [T.INT8]: { dtype: "int8", bytes: 1 },
  [T.UINT8]: { dtype: "uint8", bytes: 1 },
  [T.INT16]: { dtype: "int16", bytes: 2 },
  [T.UINT16]: { dtype: "uint16", bytes: 2 },
  [T.UINT32]: { dtype: "uint32", bytes: 4 },
  [T.UINT64]: { dtype: "uint64", bytes: 8 },
  [T.INT32]: { dtype: "int32", bytes: 4 },
  [T.INT64]: { dtype: "int64", bytes: 8 },
  [T.BOOL]: { dtype: "bool", bytes: 1 },
};

export function dtypeOf(dataType: number, what: string): DType {
  const d = DTYPES[dataType];
  if (!d) {
    const name = onnx.TensorProto.DataType[dataType] ?? String(dataType);
    fail("bad-onnx", `${what} has element type ${name}, which zkmlc does not support`, {
      hint: "supported element types: float32, float64, float16, int8/16/32/64, uint8/16/32/64, bool",
    });
  }
  return d.dtype;
}

/** protobufjs gives int64 fields as number or Long; shapes and indices fit in a double. */
export function toNumber(v: number | { toNumber(): number } | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === "number" ? v : v.toNumber();
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

function fromRaw(raw: Uint8Array, dtype: DType, n: number, what: string): Float64Array {
  const { bytes } = Object.values(DTYPES).find((d) => d?.dtype === dtype) ?? { bytes: 0 };
  if (raw.byteLength !== n * bytes) {
    fail("bad-onnx", `${what}: raw_data has ${raw.byteLength} bytes, expected ${n * bytes}`);
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * bytes;
    switch (dtype) {
      case "float32":
        out[i] = view.getFloat32(o, true);
        break;
      case "float64":
        out[i] = view.getFloat64(o, true);
        break;
      case "float16":
        out[i] = halfToFloat(view.getUint16(o, true));
        break;
      case "int8":
        out[i] = view.getInt8(o);
        break;
      case "uint8":
      case "bool":
        out[i] = view.getUint8(o);
        break;
      case "int16":
        out[i] = view.getInt16(o, true);
        break;
      case "int32":
        out[i] = view.getInt32(o, true);
        break;
      case "uint16":
        out[i] = view.getUint16(o, true);
        break;
      case "uint32":
        out[i] = view.getUint32(o, true);
        break;
      case "uint64":
        out[i] = Number(view.getBigUint64(o, true));
        break;
      case "int64":
        out[i] = Number(view.getBigInt64(o, true));
        break;
    }
  }
  return out;
}

/** Decode a TensorProto from any of its storage fields (raw_data, float_data, int32_data, ...). */
export function decodeTensor(
  t: import("onnx-proto").onnx.ITensorProto,
  what = `tensor "${t.name ?? ""}"`,
): ConstTensor {
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL || (t.externalData?.length ?? 0) > 0) {
    fail("bad-onnx", `${what} stores its data in an external file`, {
      hint: "re-save the model with all tensors inside the .onnx file (onnx.save_model(..., save_as_external_data=False))",
    });
  }
  const dtype = dtypeOf(t.dataType ?? 0, what);
  const shape = (t.dims ?? []).map(toNumber);
  const n = shape.reduce((a, b) => a * b, 1);
  let data: Float64Array;
  if (t.rawData && t.rawData.byteLength > 0) {
    data = fromRaw(t.rawData, dtype, n, what);
  } else if (dtype === "float32" && t.floatData?.length) {
    data = Float64Array.from(t.floatData);
  } else if (dtype === "float64" && t.doubleData?.length) {
    data = Float64Array.from(t.doubleData);
  } else if (dtype === "int64" && t.int64Data?.length) {
    data = Float64Array.from(t.int64Data, toNumber);
  } else if ((dtype === "uint32" || dtype === "uint64") && t.uint64Data?.length) {
    data = Float64Array.from(t.uint64Data, toNumber);
  } else if (t.int32Data?.length) {
    // int32_data also carries int8/int16/uint8/uint16/bool, and float16 as raw bit patterns.
    data = Float64Array.from(t.int32Data, (x: number) => (dtype === "float16" ? halfToFloat(x) : x));
  } else {
    data = new Float64Array(0);
  }
  if (data.length !== n) {
    fail("bad-onnx", `${what} holds ${data.length} values but its shape [${shape.join(", ")}] needs ${n}`);
  }
  return { dtype, shape, data };
}

import ort from "onnxruntime-node";
import type { ValueInfo } from "../1-decode/graph.js";
import { fail } from "../errors.js";
import type { Sample } from "./inputs.js";

/** onnxruntime-node as the float reference: one session, many samples. */
export interface FloatModel {
  run(sample: Sample): Promise<Float64Array[]>;
}

function ortTensor(inp: ValueInfo, data: Float64Array): ort.Tensor {
  const { shape } = inp;
  const ints = <T>(f: (v: number) => T) => Array.from(data, (v) => f(Math.round(v)));
  switch (inp.dtype) {
    case "float64":
      return new ort.Tensor("float64", data, shape);
    case "bool":
      return new ort.Tensor(
        "bool",
        Uint8Array.from(data, (v) => (v ? 1 : 0)),
        shape,
      );
    case "int8":
      return new ort.Tensor("int8", Int8Array.from(ints(Number)), shape);
    case "int16":
      return new ort.Tensor("int16", Int16Array.from(ints(Number)), shape);
    case "int32":
      return new ort.Tensor("int32", Int32Array.from(ints(Number)), shape);
    case "int64":
      return new ort.Tensor("int64", BigInt64Array.from(ints(BigInt)), shape);
    case "uint8":
      return new ort.Tensor("uint8", Uint8Array.from(ints(Number)), shape);
    case "uint16":
      return new ort.Tensor("uint16", Uint16Array.from(ints(Number)), shape);
    case "uint32":
      return new ort.Tensor("uint32", Uint32Array.from(ints(Number)), shape);
    case "uint64":
      return new ort.Tensor("uint64", BigUint64Array.from(ints(BigInt)), shape);
    default:
      return new ort.Tensor("float32", Float32Array.from(data), shape);
  }
}

export async function loadFloatModel(
  modelPath: string,
  inputs: ValueInfo[],
  outputs: ValueInfo[],
): Promise<FloatModel> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(modelPath, {
      graphOptimizationLevel: "all",
      intraOpNumThreads: 1,
    });
  } catch (e) {
    fail("bad-onnx", `onnxruntime cannot load the model: ${(e as Error).message}`, { cause: e });
  }
  return {
    async run(sample) {
      const feeds: Record<string, ort.Tensor> = {};
      inputs.forEach((inp, i) => {
        const data = sample[i] ?? new Float64Array(0);
        feeds[inp.name] = ortTensor(inp, data);
      });
      const res = await session.run(feeds);
      return outputs.map((o) => {
        const t = res[o.name];
        if (!t) fail("bug", `onnxruntime returned no output "${o.name}"`);
        return Float64Array.from(t.data as ArrayLike<number | bigint>, Number);
      });
    },
  };
}

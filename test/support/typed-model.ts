import {
  type AttrValue,
  buildModel,
  DataType,
  node,
  tensorProto,
  valueInfo,
} from "../../src/1-decode/onnx-builder.js";
import { evaluatePlan } from "../../src/3-lower/evaluate.js";
import { dequantize } from "../../src/3-lower/quantize-value.js";
import { planModel } from "../../src/steps/compile.js";
import { quantizeSample, type Sample } from "../../src/steps/inputs.js";
import { loadFloatModel } from "../../src/steps/onnxruntime.js";
import type { CompileOptions } from "../../src/steps/settings.js";
import { FIXED, readUnchecked, writeTempModel } from "./op-check.js";

/** A graph input: name, dims and element type (FLOAT unless given). */
export type TypedInput = [string, number[], DataType?];
/** A constant initializer: name, dims, values and element type (INT64 unless given). */
export type TypedConst = [string, number[], ArrayLike<number>, DataType?];

/**
 * A one-node model whose inputs and outputs have any element type (comparisons give BOOL, ArgMax
 * INT64: onnxruntime rejects a model that declares them FLOAT). Outputs are named y (or y0, y1, ...).
 */
export function typedModel(o: {
  op: string;
  inputs: TypedInput[];
  consts?: TypedConst[];
  nodeInputs?: string[];
  attrs?: Record<string, AttrValue>;
  /** Element type of each output, in order. */
  outputs: DataType[];
  opset?: number;
}): Uint8Array {
  const outs = o.outputs.length === 1 ? ["y"] : o.outputs.map((_, i) => `y${i}`);
  return buildModel({
    nodes: [
      node(
        o.op,
        o.nodeInputs ?? [...o.inputs.map((i) => i[0]), ...(o.consts ?? []).map((c) => c[0])],
        outs,
        o.attrs ?? {},
        "n0",
      ),
    ],
    initializers: (o.consts ?? []).map(([name, dims, v, t]) =>
      tensorProto(name, dims, v, "raw", t ?? DataType.INT64),
    ),
    inputs: o.inputs.map(([name, dims, t]) => valueInfo(name, t ?? DataType.FLOAT, dims)),
    outputs: outs.map((name, i) => valueInfo(name, o.outputs[i] as DataType)),
    opset: o.opset ?? 13,
  });
}

/**
 * Integer outputs of the plan's reference evaluation and of onnxruntime for samples the input scale
 * represents exactly (so quantization adds no error): ops with integer or boolean outputs (ArgMax,
 * comparisons, logic) must then agree exactly, ties included.
 */
export async function exactOutputs(
  bytes: Uint8Array,
  samples: Sample[],
  opts: CompileOptions = FIXED,
): Promise<{ circuit: number[][][]; float: number[][][] }> {
  const path = writeTempModel(bytes);
  const { plan, graph } = await planModel(path, opts, readUnchecked);
  const float = await loadFloatModel(path, graph.inputs, graph.outputs);
  const inputs = plan.inputs.map((p) => {
    const t = plan.tensors[p.out];
    if (!t) throw new Error("no input tensor");
    const intRange: [string, string] = [String(t.lo[0] ?? 0n), String(t.hi[0] ?? 0n)];
    return { name: t.onnxName, scale: t.scale, range: [0, 0] as [number, number], intRange };
  });
  const circuit: number[][][] = [];
  const ref: number[][][] = [];
  for (const s of samples) {
    const vals = evaluatePlan(plan, quantizeSample(s, inputs));
    circuit.push(
      plan.outputs.map((o) =>
        (vals[o.tensor] ?? []).map((v) => dequantize(v, plan.tensors[o.tensor]?.scale ?? 0)),
      ),
    );
    ref.push((await float.run(s)).map((a) => Array.from(a)));
  }
  return { circuit, float: ref };
}

/**
 * An ONNX graph as a TensorFlow.js function, for timing tfjs backends on the same model. Only the ops
 * below are mapped (NCHW convolutions and pools go through NHWC and back); any other op makes the
 * backend report itself skipped with that op's name instead of timing a different function.
 */
import type * as TF from "@tensorflow/tfjs";
import type { AttrValue, ConstTensor, Graph, GraphNode } from "../1-decode/graph.js";

type Tf = typeof TF;
type T = TF.Tensor;

export class UnmappedOp extends Error {}

const FLOATS = new Set(["float32", "float64", "float16"]);

function attrNum(n: GraphNode, k: string, d: number): number {
  const a: AttrValue | undefined = n.attrs.get(k);
  return a && (a.type === "int" || a.type === "float") ? a.value : d;
}
function attrInts(n: GraphNode, k: string): number[] | undefined {
  const a = n.attrs.get(k);
  return a?.type === "ints" ? a.value : undefined;
}

/** Builds `run(inputs) -> outputs` (flat row-major float arrays) from a decoded graph. */
export function tfjsFunction(tf: Tf, graph: Graph): (inputs: Float64Array[]) => Float64Array[] {
  // Constants: float ones as tensors (kept across runs), integer ones (shapes) as plain arrays.
  const floats = new Map<string, T>();
  const ints = new Map<string, number[]>();
  const addConst = (name: string, c: ConstTensor) => {
    if (FLOATS.has(c.dtype)) floats.set(name, tf.tensor(Float32Array.from(c.data), c.shape));
    else ints.set(name, Array.from(c.data));
  };
  for (const [name, c] of graph.constants) addConst(name, c);
  for (const n of graph.nodes) {
    const v = n.opType === "Constant" ? n.attrs.get("value") : undefined;
    if (n.opType === "Constant") {
      if (v?.type !== "tensor") throw new UnmappedOp(`Constant node "${n.name}" without a tensor value`);
      addConst(n.outputs[0] ?? "", v.value);
    }
  }
  const ops = graph.nodes.filter((n) => n.opType !== "Constant");
  for (const n of ops) if (!(n.opType in LOWER)) throw new UnmappedOp(`no tfjs mapping for ${n.opType}`);
  return (inputs) =>
    tf
      .tidy(() => {
        const env = new Map(floats);
        graph.inputs.forEach((inp, i) => {
          env.set(inp.name, tf.tensor(Float32Array.from(inputs[i] ?? []), inp.shape));
        });
        for (const n of ops) {
          const get = (k: number): T => {
            const t = env.get(n.inputs[k] ?? "");
            if (!t) throw new UnmappedOp(`${n.opType} input ${k} "${n.inputs[k]}" is not a float tensor`);
            return t;
          };
          const out = (LOWER[n.opType] as Lower)(tf, n, get, ints);
          env.set(n.outputs[0] ?? "", out);
        }
        return graph.outputs.map((o) => env.get(o.name) as T);
      })
      .map((t) => {
        const d = Float64Array.from(t.dataSync());
        t.dispose();
        return d;
      });
}

type Lower = (tf: Tf, n: GraphNode, get: (k: number) => T, ints: Map<string, number[]>) => T;

const nchw = (tf: Tf, x: T) => tf.transpose(x, [0, 3, 1, 2]);
const nhwc = (tf: Tf, x: T) => tf.transpose(x, [0, 2, 3, 1]);

/** [top, left, bottom, right] pads as tfjs's explicit NHWC padding. */
function pads(n: GraphNode): [[number, number], [number, number], [number, number], [number, number]] {
  const p = attrInts(n, "pads") ?? [0, 0, 0, 0];
  const autoPad = n.attrs.get("auto_pad");
  if (autoPad?.type === "string" && autoPad.value !== "NOTSET" && autoPad.value !== "VALID")
    throw new UnmappedOp(`${n.opType} auto_pad ${autoPad.value}`);
  return [
    [0, 0],
    [p[0] ?? 0, p[2] ?? 0],
    [p[1] ?? 0, p[3] ?? 0],
    [0, 0],
  ];
}

function pool(kind: "max" | "avg"): Lower {
  return (tf, n, get) => {
    const k = attrInts(n, "kernel_shape") ?? [1, 1];
    const s = attrInts(n, "strides") ?? [1, 1];
    if (
      k.length !== 2 ||
      attrNum(n, "ceil_mode", 0) !== 0 ||
      pads(n)
        .flat()
        .some((v) => v !== 0)
    )
      throw new UnmappedOp(`${n.opType} other than 2-D, unpadded, floor mode`);
    const x = nhwc(tf, get(0)) as TF.Tensor4D;
    const f = kind === "max" ? tf.maxPool : tf.avgPool;
    return nchw(tf, f(x, k as [number, number], s as [number, number], "valid"));
  };
}

const LOWER: Record<string, Lower> = {
  Identity: (_tf, _n, get) => get(0),
  Dropout: (_tf, _n, get) => get(0),
  Relu: (tf, _n, get) => tf.relu(get(0)),
  Sigmoid: (tf, _n, get) => tf.sigmoid(get(0)),
  Tanh: (tf, _n, get) => tf.tanh(get(0)),
  Add: (tf, _n, get) => tf.add(get(0), get(1)),
  Sub: (tf, _n, get) => tf.sub(get(0), get(1)),
  Mul: (tf, _n, get) => tf.mul(get(0), get(1)),
  Div: (tf, _n, get) => tf.div(get(0), get(1)),
  MatMul: (tf, _n, get) => tf.matMul(get(0), get(1)),
  Gemm: (tf, n, get) => {
    const ab = tf.mul(
      tf.matMul(get(0), get(1), attrNum(n, "transA", 0) === 1, attrNum(n, "transB", 0) === 1),
      attrNum(n, "alpha", 1),
    );
    return n.inputs[2] ? tf.add(ab, tf.mul(get(2), attrNum(n, "beta", 1))) : ab;
  },
  Softmax: (tf, n, get) => {
    const x = get(0);
    const axis = attrNum(n, "axis", -1);
    if (axis !== -1 && axis !== x.rank - 1) throw new UnmappedOp("Softmax over another axis than the last");
    return tf.softmax(x);
  },
  Flatten: (tf, n, get) => {
    const x = get(0);
    const a = attrNum(n, "axis", 1);
    const axis = a < 0 ? a + x.rank : a;
    const lead = x.shape.slice(0, axis).reduce((a, b) => a * b, 1);
    return tf.reshape(x, [lead, x.size / lead]);
  },
  Reshape: (tf, n, get, ints) => {
    const x = get(0);
    const shape = ints.get(n.inputs[1] ?? "");
    if (!shape) throw new UnmappedOp("Reshape to a computed shape");
    return tf.reshape(
      x,
      shape.map((d, i) => (d === 0 && attrNum(n, "allowzero", 0) === 0 ? (x.shape[i] as number) : d)),
    );
  },
  Transpose: (tf, n, get) => tf.transpose(get(0), attrInts(n, "perm")),
  Conv: (tf, n, get) => {
    const w = get(1);
    if (w.rank !== 4 || attrNum(n, "group", 1) !== 1) throw new UnmappedOp("Conv other than 2-D, group 1");
    const s = (attrInts(n, "strides") ?? [1, 1]) as [number, number];
    const d = (attrInts(n, "dilations") ?? [1, 1]) as [number, number];
    const x = nhwc(tf, get(0)) as TF.Tensor4D;
    const y = tf.conv2d(x, tf.transpose(w, [2, 3, 1, 0]) as TF.Tensor4D, s, pads(n), "NHWC", d);
    return nchw(tf, n.inputs[2] ? tf.add(y, get(2)) : y);
  },
  MaxPool: pool("max"),
  AveragePool: pool("avg"),
  GlobalAveragePool: (tf, _n, get) => tf.mean(get(0), [2, 3], true),
  BatchNormalization: (tf, n, get) => {
    const x = get(0);
    const c = [1, x.shape[1] as number, ...x.shape.slice(2).map(() => 1)];
    const r = (k: number) => tf.reshape(get(k), c);
    const scale = tf.div(r(1), tf.sqrt(tf.add(r(4), attrNum(n, "epsilon", 1e-5))));
    return tf.add(tf.mul(tf.sub(x, r(3)), scale), r(2));
  },
};

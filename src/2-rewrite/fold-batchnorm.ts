import type { AttrValue, ConstTensor, Graph, GraphNode } from "../1-decode/graph.js";
import { batchNormAffine, batchNormUnsupported } from "./batchnorm-math.js";

/**
 * Fold inference-mode BatchNormalization into the Conv or Gemm that produces its input, when that
 * node's weights (and bias) are constants and its output feeds only the BatchNormalization:
 * y = a·(W·x + b − mean) + β with a = γ/√(var+ε) becomes W' = a·W (per output channel),
 * b' = a·(b − mean) + β. The folded node keeps the producer's name and index and takes the
 * BatchNormalization's output; the new weights are new constants (the old ones may be shared).
 * Anything else is left for the BatchNormalization op (a free per-channel affine map).
 */
export function foldBatchNorm(graph: Graph): Graph {
  const uses = new Map<string, number>();
  for (const n of graph.nodes) for (const i of n.inputs) uses.set(i, (uses.get(i) ?? 0) + 1);
  for (const o of graph.outputs) uses.set(o.name, (uses.get(o.name) ?? 0) + 1);
  const producer = new Map<string, GraphNode>();
  for (const n of graph.nodes) for (const o of n.outputs) producer.set(o, n);

  const constants = new Map(graph.constants);
  const fresh: Fresh = (base, t) => {
    let name = `${base}/bn_folded`;
    for (let k = 1; constants.has(name) || producer.has(name); k++) name = `${base}/bn_folded_${k}`;
    constants.set(name, t);
    return name;
  };
  const replaced = new Map<GraphNode, GraphNode>();
  const dropped = new Set<GraphNode>();
  for (const bn of graph.nodes) {
    if (bn.opType !== "BatchNormalization" || (bn.domain !== "" && bn.domain !== "ai.onnx")) continue;
    if (batchNormUnsupported(bn.attrs, bn.outputs)) continue;
    const spatial = bn.attrs.get("spatial");
    if (spatial && spatial.value === 0) continue;
    const x = bn.inputs[0] ?? "";
    const prev = producer.get(x);
    const params = bn.inputs.slice(1, 5).map((i) => constants.get(i));
    // Four per-channel constants of one length, or the op's lowering reports what is wrong.
    const n = params[0]?.data.length;
    if (n === undefined || params.length !== 4 || params.some((p) => p?.data.length !== n)) continue;
    if (!prev || replaced.has(prev) || uses.get(x) !== 1) continue;
    const [g, beta, mean, variance] = params as [ConstTensor, ConstTensor, ConstTensor, ConstTensor];
    const eps = bn.attrs.get("epsilon");
    const { a, b } = batchNormAffine(g, beta, mean, variance, eps?.type === "float" ? eps.value : 1e-5);
    const folded =
      prev.opType === "Conv"
        ? foldConv(prev, a, b, constants, fresh)
        : prev.opType === "Gemm"
          ? foldGemm(prev, a, b, constants, fresh)
          : undefined;
    if (!folded) continue;
    replaced.set(prev, { ...folded, outputs: [bn.outputs[0] ?? "", ...prev.outputs.slice(1)] });
    dropped.add(bn);
  }
  if (dropped.size === 0) return graph;
  const nodes = graph.nodes.filter((n) => !dropped.has(n)).map((n) => replaced.get(n) ?? n);
  return { ...graph, nodes, constants };
}

/** Registers a new constant under a name derived from `base` that is not taken yet. */
type Fresh = (base: string, t: ConstTensor) => string;

/** Conv: W [M, C/g, k...] scaled per output channel m; bias b' = a·(b − mean) + β. */
function foldConv(
  conv: GraphNode,
  a: Float64Array,
  b: Float64Array,
  constants: Map<string, ConstTensor>,
  fresh: Fresh,
): GraphNode | undefined {
  if ((conv.domain !== "" && conv.domain !== "ai.onnx") || conv.inputs.length < 2) return undefined;
  const W = constants.get(conv.inputs[1] ?? "");
  const biasName = conv.inputs[2] ?? "";
  const B = biasName === "" ? undefined : constants.get(biasName);
  const M = W?.shape[0];
  if (!W || M === undefined || a.length !== M || (biasName !== "" && (!B || B.data.length !== M)))
    return undefined;
  const per = W.data.length / M;
  const w2 = Float64Array.from(W.data, (v, i) => v * (a[Math.floor(i / per)] as number));
  const b2 = Float64Array.from(
    { length: M },
    (_, m) => (a[m] as number) * (B ? (B.data[m] as number) : 0) + (b[m] as number),
  );
  const wName = fresh(conv.inputs[1] ?? "W", { dtype: "float32", shape: W.shape, data: w2 });
  const bName = fresh(biasName || `${conv.name}/B`, { dtype: "float32", shape: [M], data: b2 });
  return { ...conv, inputs: [conv.inputs[0] ?? "", wName, bName] };
}

/**
 * Gemm Y = alpha·A·B' + beta·C with B constant (A the signal): channel n is column n of Y, so column n
 * of B' is scaled by a[n] and C' = a·(beta·C − mean) + β, with beta set to 1.
 */
function foldGemm(
  gemm: GraphNode,
  a: Float64Array,
  b: Float64Array,
  constants: Map<string, ConstTensor>,
  fresh: Fresh,
): GraphNode | undefined {
  if ((gemm.domain !== "" && gemm.domain !== "ai.onnx") || constants.has(gemm.inputs[0] ?? ""))
    return undefined;
  const Bm = constants.get(gemm.inputs[1] ?? "");
  if (Bm?.shape.length !== 2) return undefined;
  const int = (k: string) => {
    const v = gemm.attrs.get(k);
    return v?.type === "int" ? v.value : 0;
  };
  const flt = (k: string) => {
    const v = gemm.attrs.get(k);
    return v?.type === "float" || v?.type === "int" ? v.value : 1;
  };
  const transB = int("transB") !== 0;
  const [r, c] = Bm.shape as [number, number];
  const N = transB ? r : c;
  if (a.length !== N) return undefined;
  const cName = gemm.inputs[2] ?? "";
  const C = cName === "" ? undefined : constants.get(cName);
  if (cName !== "" && !C) return undefined;
  // C broadcasts to [M, N]: a scalar, [N], [1, N], [M, 1] or [M, N]; C' is [N] or [M, N].
  const cShape = C?.shape ?? [];
  const cRows = cShape.length === 2 ? (cShape[0] as number) : 1;
  const cCols = cShape.length === 0 ? 1 : (cShape[cShape.length - 1] as number);
  if (cShape.length > 2 || (cCols !== 1 && cCols !== N)) return undefined;
  const beta = flt("beta");
  const c2 = Float64Array.from({ length: cRows * N }, (_, i) => {
    const [m, n] = [Math.floor(i / N), i % N];
    const cv = C ? (C.data[m * cCols + (cCols === 1 ? 0 : n)] as number) : 0;
    return (a[n] as number) * beta * cv + (b[n] as number);
  });
  const b2 = Float64Array.from(Bm.data, (v, i) => v * (a[transB ? Math.floor(i / c) : i % c] as number));
  const bName = fresh(gemm.inputs[1] ?? "B", { dtype: "float32", shape: Bm.shape, data: b2 });
  const c2Name = fresh(cName || `${gemm.name}/C`, {
    dtype: "float32",
    shape: cRows > 1 ? [cRows, N] : [N],
    data: c2,
  });
  const attrs = new Map<string, AttrValue>(gemm.attrs);
  attrs.set("beta", { type: "float", value: 1 });
  return { ...gemm, inputs: [gemm.inputs[0] ?? "", bName, c2Name], attrs };
}

import { estimateConstraints, nodeRows, planModel } from "./compile.js";
import type { CompileOptions } from "./settings.js";

export interface InspectRow {
  index: number;
  name: string;
  op: string;
  inputShapes: number[][];
  outputShapes: number[][];
  scale: number | null;
  bits: number | null;
  constraints: number;
}

export interface InspectResult {
  inputs: {
    name: string;
    shape: number[];
    scale: number;
    range: [number, number];
    bits: number;
    visibility: string;
    constraints: number;
  }[];
  nodes: InspectRow[];
  /** (Log)Softmax graph outputs left out of the circuit (--softmax outside): the circuit outputs logits. */
  outside: { output: string; op: string; axis: number; coerce2d: boolean }[];
  totals: { nodes: number; constraints: number; maxBits: number };
}

/** The `inspect` step: one row per node with shapes, scale, bit bound and estimated constraints. */
export async function inspect(modelPath: string, opts: CompileOptions = {}): Promise<InspectResult> {
  const { plan, cal } = await planModel(modelPath, opts);
  const rows = nodeRows(plan);
  const nodes = rows.map((r, i) => ({ ...r, inputShapes: plan.nodes[i]?.inputShapes ?? [] }));
  const inputs = plan.inputs.map((p) => {
    const t = plan.tensors[p.out];
    const name = t?.onnxName ?? "";
    const n = t?.lo.length ?? 0;
    return {
      name,
      shape: t?.shape ?? [],
      scale: t?.scale ?? 0,
      range: cal.ranges[name] as [number, number],
      bits: p.bits,
      visibility: p.visibility,
      constraints: p.visibility === "private" ? p.bits * n : 0,
    };
  });
  const outside = plan.outputs.flatMap((o) =>
    o.postprocess ? [{ output: o.onnxName, ...o.postprocess }] : [],
  );
  return {
    inputs,
    nodes,
    outside,
    totals: {
      nodes: nodes.length,
      constraints: estimateConstraints(plan),
      maxBits: Math.max(0, ...nodes.map((n) => n.bits ?? 0)),
    },
  };
}

import { primConstraints } from "../3-lower/prims/registry.js";
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
    /** A graph input, or a weight made a signal (--param-visibility hashed|private). */
    kind: "input" | "weight";
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
  /** The --max-constraints given, when the estimate is above it (compile would refuse). */
  overLimit?: number;
  /** Assumptions decoding made, said aloud (a symbolic batch dimension taken as 1). */
  notes: string[];
}

/** The `inspect` step: one row per node with shapes, scale, bit bound and estimated constraints. */
export async function inspect(modelPath: string, opts: CompileOptions = {}): Promise<InspectResult> {
  // Inspect shows the cost of every node: --max-constraints does not stop it (its hint sends users here).
  const { plan, cal, graph, visibility } = await planModel(modelPath, { ...opts, maxConstraints: undefined });
  const rows = nodeRows(plan);
  const nodes = rows.map((r, i) => ({ ...r, inputShapes: plan.nodes[i]?.inputShapes ?? [] }));
  const inputs = plan.inputs.map((p) => {
    const t = plan.tensors[p.out];
    const name = t?.onnxName ?? "";
    const n = t?.lo.length ?? 0;
    // A weight made a signal is checked to [lo, -lo): its range in real units.
    const range: [number, number] = p.param
      ? [Number(p.lo) / 2 ** (t?.scale ?? 0), -Number(p.lo) / 2 ** (t?.scale ?? 0)]
      : (cal.ranges[name] as [number, number]);
    return {
      name,
      kind: p.param ? ("weight" as const) : ("input" as const),
      shape: t?.shape ?? [],
      scale: t?.scale ?? 0,
      range,
      bits: p.bits,
      visibility: p.param ? visibility.param : visibility.input,
      constraints: primConstraints(p, n),
    };
  });
  const outside = plan.outputs.flatMap((o) =>
    o.postprocess ? [{ output: o.onnxName, ...o.postprocess }] : [],
  );
  const constraints = estimateConstraints(plan);
  const limit = opts.maxConstraints;
  return {
    inputs,
    nodes,
    outside,
    totals: { nodes: nodes.length, constraints, maxBits: Math.max(0, ...nodes.map((n) => n.bits ?? 0)) },
    ...(limit !== undefined && constraints > limit ? { overLimit: limit } : {}),
    notes: graph.notes ?? [],
  };
}

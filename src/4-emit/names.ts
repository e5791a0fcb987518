import { mainOutputs, type Plan } from "../3-lower/ir.js";
import { bug } from "../errors.js";

/** Circom identifiers for graph inputs/outputs: prefixed (so `input` and other keywords are safe) and unique. */
export function circuitNames(prefix: string, onnxNames: string[]): string[] {
  const used = new Set<string>();
  return onnxNames.map((n) => {
    const base = `${prefix}_${n.replace(/[^A-Za-z0-9_]/g, "_")}`;
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}_${i}`;
    used.add(name);
    return name;
  });
}

/** The signal array that holds tensor `id` inside the model template. */
export function tensorSignal(id: number): string {
  return `t${id}`;
}

/**
 * The Circom names of a plan's signals, shared by both backends: `in_<input>`, `w_<initializer>` (a weight
 * made a signal) and `out_<output>` for the graph's inputs, weights and outputs, `commit_<role>` for the
 * commitments, `t<id>` for every other tensor (set by the emitter as it goes: `signal`). `mainNames` are
 * the names of mainOutputs(plan), in order.
 */
export function signalNames(plan: Plan): {
  inputNames: string[];
  outputNames: string[];
  commitNames: string[];
  mainNames: string[];
  signal: Map<number, string>;
  name: (id: number) => string;
} {
  const onnx = (p: Plan["inputs"][number]) => plan.tensors[p.out]?.onnxName ?? "";
  const graphInputs = circuitNames("in", plan.inputs.filter((p) => !p.param).map(onnx));
  const params = circuitNames("w", plan.inputs.filter((p) => p.param).map(onnx));
  const inputNames = plan.inputs.map((p) => (p.param ? params.shift() : graphInputs.shift()) as string);
  const outputNames = circuitNames(
    "out",
    plan.outputs.map((o) => o.onnxName),
  );
  const commitNames = (plan.commitments ?? []).map((c) => `commit_${c.role}`);
  const mainNames = mainOutputs(plan).map((m) =>
    m.output === undefined ? (commitNames[m.commitment ?? -1] as string) : (outputNames[m.output] as string),
  );
  const signal = new Map<number, string>();
  for (const [i, p] of plan.inputs.entries()) signal.set(p.out, inputNames[i] as string);
  const name = (id: number) => signal.get(id) ?? bug(`tensor ${id} has no signal`);
  return { inputNames, outputNames, commitNames, mainNames, signal, name };
}

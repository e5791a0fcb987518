import { BN254_R } from "../6-prove/groth16_setup.js";
import type { Settings, SettingsCommitment } from "./settings.js";
import { argmax, decodeOutput, toSigned } from "./witness.js";

export interface DecodedSignals {
  /** Per graph output, its integers (signed) and its decoded real values. */
  ints: bigint[][];
  outputs: { name: string; values: number[] }[];
  /** argmax of the first output. */
  predicted: number;
  /** Per public graph input, its integers (signed). */
  inputs: { name: string; values: bigint[] }[];
  /** The commitments (settings.commitments order), field elements. */
  commitments: { role: SettingsCommitment["role"]; signal: string; value: bigint }[];
  /** Why the list cannot be a statement of this circuit, when it cannot. */
  problem?: string;
}

const EMPTY = { ints: [], outputs: [], predicted: 0, inputs: [], commitments: [] };

/**
 * Read a public-signal list as circom lays it out for this build: the public outputs in order, the
 * commitments, then the public inputs. Every value must be a canonical field element; integers above p/2 are negative.
 */
export function decodePublicSignals(settings: Settings, signals: unknown): DecodedSignals {
  const expected = settings.circuit.publicSignals;
  if (!Array.isArray(signals) || signals.length !== expected)
    return {
      ...EMPTY,
      problem: `public.json holds ${Array.isArray(signals) ? signals.length : "no"} signals, the circuit has ${expected}`,
    };
  if (!signals.every((v) => typeof v === "string" && /^(0|[1-9][0-9]*)$/.test(v)))
    return { ...EMPTY, problem: "public.json holds a value that is not a decimal integer string" };
  const values = signals.map((v) => BigInt(v));
  if (values.some((v) => v >= BN254_R))
    return { ...EMPTY, problem: "a public signal is not a field element (>= p)" };
  let at = 0;
  const take = (shape: number[]) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const part = values.slice(at, at + n).map((v) => toSigned(v, BN254_R));
    at += n;
    return part;
  };
  // Hashed outputs are not among the public signals: only their commitment is.
  const ints = settings.visibility.output === "public" ? settings.outputs.map((o) => take(o.shape)) : [];
  const outputs = ints.map((v, k) => ({
    name: settings.outputs[k]?.name ?? "",
    values: decodeOutput(v, settings.outputs[k]),
  }));
  const commitments = settings.commitments.map((c) => ({
    role: c.role,
    signal: c.signal,
    value: values[at++] as bigint,
  }));
  const inputs = settings.inputs
    .filter((i) => i.visibility === "public")
    .map((i) => ({ name: i.name, values: take(i.shape) }));
  return { ints, outputs, predicted: argmax(outputs[0]?.values ?? []), inputs, commitments };
}

/** One public signal, named: what a consuming contract finds at `index` of the verifier's input. */
export interface NamedSignal {
  index: number;
  /** `out_<output>[i]`, `commit_<role>` or `in_<input>[i]`, as the circuit names it. */
  signal: string;
  /** What it is: an output element, a commitment, a public input element. */
  what: string;
}

/** The public signals of a build, in order, with their names (the layout decodePublicSignals reads). */
export function namePublicSignals(settings: Settings): NamedSignal[] {
  const out: NamedSignal[] = [];
  const push = (signal: string, what: string) => out.push({ index: out.length, signal, what });
  const each = (x: { signal: string; name: string; shape: number[] }, what: string) => {
    const n = x.shape.reduce((a, b) => a * b, 1);
    for (let i = 0; i < n; i++) push(`${x.signal}[${i}]`, `${what} "${x.name}" element ${i}`);
  };
  if (settings.visibility.output === "public") for (const o of settings.outputs) each(o, "output");
  const role = { input: "inputs", output: "outputs", param: "weights" } as const;
  for (const c of settings.commitments) push(c.signal, `${c.scheme} commitment to the ${role[c.role]}`);
  for (const i of settings.inputs.filter((x) => x.visibility === "public")) each(i, "public input");
  return out;
}

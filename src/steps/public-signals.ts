import { P as BN254_R } from "../3-lower/field.js";
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

/** A run of consecutive public signals: one public output, one commitment or one public input. */
type Segment =
  | { kind: "output"; index: number; size: number }
  | { kind: "commitment"; index: number; size: 1 }
  | { kind: "input"; index: number; size: number };

const elements = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * The public signals of a build in circom's order, the one place that order is written: the public
 * outputs (none when hashed: only their commitment is public), the commitments, the public inputs.
 */
export function publicLayout(settings: Settings): Segment[] {
  return [
    ...(settings.visibility.output === "public"
      ? settings.outputs.map((o, index) => ({ kind: "output" as const, index, size: elements(o.shape) }))
      : []),
    ...settings.commitments.map((_, index) => ({ kind: "commitment" as const, index, size: 1 as const })),
    ...settings.inputs.flatMap((i, index) =>
      i.visibility === "public" ? [{ kind: "input" as const, index, size: elements(i.shape) }] : [],
    ),
  ];
}

/**
 * Read a public-signal list as circom lays it out for this build (publicLayout). Every value must be a
 * canonical field element; integers above p/2 are negative.
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
  const out: DecodedSignals = { ...EMPTY, ints: [], outputs: [], inputs: [], commitments: [] };
  let at = 0;
  for (const seg of publicLayout(settings)) {
    const part = values.slice(at, at + seg.size);
    at += seg.size;
    if (seg.kind === "output") {
      const o = settings.outputs[seg.index];
      const ints = part.map((v) => toSigned(v, BN254_R));
      out.ints.push(ints);
      out.outputs.push({ name: o?.name ?? "", values: decodeOutput(ints, o) });
    } else if (seg.kind === "commitment") {
      const c = settings.commitments[seg.index];
      out.commitments.push({ role: c?.role ?? "input", signal: c?.signal ?? "", value: part[0] as bigint });
    } else
      out.inputs.push({
        name: settings.inputs[seg.index]?.name ?? "",
        values: part.map((v) => toSigned(v, BN254_R)),
      });
  }
  return { ...out, predicted: argmax(out.outputs[0]?.values ?? []) };
}

/** One public signal, named: what a consuming contract finds at `index` of the verifier's input. */
export interface NamedSignal {
  index: number;
  /** `out_<output>[i]`, `commit_<role>` or `in_<input>[i]`, as the circuit names it. */
  signal: string;
  /** What it is: an output element, a commitment, a public input element. */
  what: string;
}

/** The public signals of a build, in order (publicLayout), with their names. */
export function namePublicSignals(settings: Settings): NamedSignal[] {
  const role = { input: "inputs", output: "outputs", param: "weights" } as const;
  return publicLayout(settings)
    .flatMap((seg) => {
      if (seg.kind === "commitment") {
        const c = settings.commitments[seg.index];
        return [
          { signal: c?.signal ?? "", what: `${c?.scheme} commitment to the ${role[c?.role ?? "input"]}` },
        ];
      }
      const x = seg.kind === "output" ? settings.outputs[seg.index] : settings.inputs[seg.index];
      const what = seg.kind === "output" ? "output" : "public input";
      return Array.from({ length: seg.size }, (_, i) => ({
        signal: `${x?.signal}[${i}]`,
        what: `${what} "${x?.name}" element ${i}`,
      }));
    })
    .map((x, index) => ({ index, ...x }));
}

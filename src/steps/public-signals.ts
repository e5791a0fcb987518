import { BN254_R } from "../6-prove/groth16_setup.js";
import type { Settings } from "./settings.js";
import { argmax, decodeOutput, toSigned } from "./witness.js";

export interface DecodedSignals {
  /** Per graph output, its integers (signed) and its decoded real values. */
  ints: bigint[][];
  outputs: { name: string; values: number[] }[];
  /** argmax of the first output. */
  predicted: number;
  /** Per public graph input, its integers (signed). */
  inputs: { name: string; values: bigint[] }[];
  /** Why the list cannot be a statement of this circuit, when it cannot. */
  problem?: string;
}

const EMPTY = { ints: [], outputs: [], predicted: 0, inputs: [] };

/**
 * Read a public-signal list as circom lays it out for this build: the outputs in order, then the public
 * inputs. Every value must be a canonical field element; integers above p/2 are negative.
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
  const ints = settings.outputs.map((o) => take(o.shape));
  const outputs = settings.outputs.map((o, k) => ({ name: o.name, values: decodeOutput(ints[k] ?? [], o) }));
  const inputs = settings.inputs
    .filter((i) => i.visibility === "public")
    .map((i) => ({ name: i.name, values: take(i.shape) }));
  return { ints, outputs, predicted: argmax(outputs[0]?.values ?? []), inputs };
}

/**
 * `<build>/lowered.bin`: what compile computed that the witness steps need (the lowered program and the
 * graph's inputs and outputs), so `prove`, `witness` and `accuracy` neither decode, rewrite and quantize
 * the model again nor re-derive settings.json from it.
 *
 * It is a cache bound by content hash: a header line records the zkmlc version, the sha256 of the
 * settings.json it was made with and the sha256 of its payload. Any mismatch (an edited or recompiled
 * settings.json, a damaged file, another zkmlc) makes loadBuild re-derive everything from model.onnx as
 * it did before the cache existed, and write a fresh one. Proofs never depend on it for soundness: the
 * verifier checks them against the verification key alone.
 *
 * The payload is v8.serialize (Node's structured clone) because the plan holds bigints and typed arrays,
 * which JSON cannot carry without a hand-written codec; it only needs to round-trip on this machine.
 */
import { readFile } from "node:fs/promises";
import { deserialize, serialize } from "node:v8";
import type { ValueInfo } from "../1-decode/graph.js";
import type { Plan } from "../3-lower/ir.js";
import { artifactPath, writeAtomic } from "../artifacts.js";
import { VERSION } from "../version.js";
import { sha256 } from "./hash.js";

const FORMAT = "zkmlc-lowered-v1";

/** The graph's interface, as the witness steps read samples and run onnxruntime with it. */
export interface GraphIO {
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  /** Graph inputs that are initializers too (constants, not taken from a sample). */
  constantInputs?: string[];
}

export interface Lowered {
  graph: GraphIO;
  plan: Plan;
}

interface Header {
  format: string;
  zkmlc: string;
  settings: string;
  payload: string;
}

/** The file's bytes for a build whose settings.json hashes to `settingsHash`. */
export function encodeLowered(settingsHash: string, lowered: Lowered): Uint8Array {
  const { inputs, outputs, constantInputs } = lowered.graph;
  const payload = serialize({ graph: { inputs, outputs, constantInputs }, plan: lowered.plan });
  const header: Header = { format: FORMAT, zkmlc: VERSION, settings: settingsHash, payload: sha256(payload) };
  return Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), payload]);
}

/** The cached program of a build, or undefined when there is none or it does not match (see above). */
export async function readLowered(dir: string, settingsHash: string): Promise<Lowered | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(artifactPath(dir, "lowered"));
  } catch {
    return undefined;
  }
  const nl = bytes.indexOf(10);
  if (nl < 0) return undefined;
  try {
    const h = JSON.parse(bytes.subarray(0, nl).toString("utf8")) as Partial<Header>;
    const payload = bytes.subarray(nl + 1);
    if (h.format !== FORMAT || h.zkmlc !== VERSION || h.settings !== settingsHash) return undefined;
    if (h.payload !== sha256(payload)) return undefined;
    return deserialize(payload) as Lowered;
  } catch {
    return undefined;
  }
}

export async function writeLowered(dir: string, settingsHash: string, lowered: Lowered): Promise<void> {
  await writeAtomic(artifactPath(dir, "lowered"), encodeLowered(settingsHash, lowered));
}

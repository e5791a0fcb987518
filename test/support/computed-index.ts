import { join } from "node:path";
import { loadBuild, loadRunner } from "../../src/steps/build.js";
import { compile } from "../../src/steps/compile.js";
import type { CompileOptions } from "../../src/steps/settings.js";
import { FIXED, writeTempModel } from "./op-check.js";

/** n integers drawn uniformly from [lo, hi], as a sample array. */
export function ints(r: () => number, n: number, lo: number, hi: number): Float64Array {
  return Float64Array.from({ length: n }, () => lo + Math.floor(r() * (hi - lo + 1)));
}

/**
 * Compile the model and run circom's witness generator directly on raw circuit inputs (integers per graph
 * input, bypassing the reference evaluator, which rejects an out-of-range index first): whether circom
 * finds a witness. An index outside the valid candidates must make it fail.
 */
export async function hasWitness(
  bytes: Uint8Array,
  inputs: bigint[][],
  opts: CompileOptions = FIXED,
): Promise<boolean> {
  const path = writeTempModel(bytes);
  const dir = join(path, "..", "build");
  // circom's witness generator runs every constraint check on raw inputs (the direct backend's r1cs is
  // the same system: the equivalence tests show it).
  const { settings } = await compile(path, dir, { ...opts, backend: "circom" });
  const { wc } = await loadRunner(await loadBuild(dir));
  const input = Object.fromEntries(settings.inputs.map((s, i) => [s.signal, (inputs[i] ?? []).map(String)]));
  try {
    await wc?.calculate(input);
    return true;
  } catch {
    return false;
  }
}

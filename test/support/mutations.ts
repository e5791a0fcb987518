import { join } from "node:path";
import { checkWitness, readSymbols } from "../../src/5-compile/r1cs.js";
import { loadBuild, loadRunner } from "../../src/steps/build.js";
import { compile } from "../../src/steps/compile.js";
import type { Sample } from "../../src/steps/inputs.js";
import type { CompileOptions } from "../../src/steps/settings.js";
import { computeWitness } from "../../src/steps/witness.js";
import { P } from "../circuits/harness.js";
import { FIXED, writeTempModel } from "./op-check.js";

/**
 * Soundness probe of a compiled model: for each sample, add ±1 to every witness entry except the constant
 * wire and the model inputs, one at a time, and return the names of the signals whose change the r1cs
 * still accepts. A sound circuit pins every signal that an output depends on; the only expected
 * survivors are free hints that nothing reads (circomlib IsZero's `inv` when its input is 0).
 */
export async function witnessMutations(
  bytes: Uint8Array,
  samples: Sample[],
  opts: CompileOptions = FIXED,
): Promise<string[]> {
  const path = writeTempModel(bytes);
  const dir = join(path, "..", "build");
  const { settings } = await compile(path, dir, opts);
  const build = await loadBuild(dir);
  const runner = await loadRunner(build);
  const symbols = await readSymbols(join(dir, "circuit.sym"));
  const nameOf = new Map<number, string>();
  for (const [name, i] of symbols) if (!nameOf.has(i)) nameOf.set(i, name);
  const inputs = new Set<number>([0]);
  for (const inp of settings.inputs)
    for (const [name, i] of symbols) if (name.startsWith(`main.${inp.signal}[`)) inputs.add(i);
  const survivors = new Set<string>();
  for (const s of samples) {
    const { witness } = await computeWitness(build, runner, s);
    for (let i = 0; i < witness.length; i++) {
      if (inputs.has(i)) continue;
      for (const delta of [1n, P - 1n]) {
        const w = witness.slice();
        w[i] = ((w[i] as bigint) + delta) % P;
        if ((await checkWitness(join(dir, "circuit.r1cs"), w)).ok) survivors.add(nameOf.get(i) ?? `#${i}`);
      }
    }
  }
  return [...survivors];
}

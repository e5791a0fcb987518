import { BN254_R } from "../6-prove/groth16_setup.js";
import { snarkVerify } from "../6-prove/snark_verify.js";
import type { ProofSystem } from "../6-prove/systems.js";
import { exportSolidityVerifier } from "../6-prove/verifier_export.js";
import { readJsonFile, requireSystemArtifact, systemArtifactPath, writeAtomic } from "../artifacts.js";
import { type Build, loadBuild } from "./build.js";
import { loadKeys } from "./setup.js";
import { decodeOutput, toSigned } from "./witness.js";

export interface VerifyResult {
  valid: boolean;
  /** Why it is invalid, when it is. */
  reason?: string;
  /** Outputs decoded from the public signals. */
  outputs: { name: string; values: number[] }[];
}

/**
 * Public signals are the outputs, then the public inputs. A public input must also lie in its
 * calibrated range: the circuit's no-wrap-around argument assumes it, so it is checked here.
 */
function decodePublic(
  build: Build,
  signals: string[],
): { outputs: VerifyResult["outputs"]; problem?: string } {
  const s = build.settings;
  const expected = s.circuit.publicSignals;
  if (!Array.isArray(signals) || signals.length !== expected) {
    return {
      outputs: [],
      problem: `public.json holds ${Array.isArray(signals) ? signals.length : "no"} signals, the circuit has ${expected}`,
    };
  }
  let values: bigint[];
  try {
    values = signals.map((v) => BigInt(v));
  } catch {
    return { outputs: [], problem: "public.json holds a value that is not an integer" };
  }
  if (values.some((v) => v < 0n || v >= BN254_R))
    return { outputs: [], problem: "a public signal is not a field element (>= p)" };
  let at = 0;
  const outputs = s.outputs.map((o) => {
    const n = o.shape.reduce((a, b) => a * b, 1);
    const vals = decodeOutput(
      values.slice(at, at + n).map((v) => toSigned(v, BN254_R)),
      o,
    );
    at += n;
    return { name: o.name, values: vals };
  });
  for (const inp of s.inputs) {
    if (inp.visibility !== "public") continue;
    const n = inp.shape.reduce((a, b) => a * b, 1);
    const [lo, hi] = [BigInt(inp.intRange[0]), BigInt(inp.intRange[1])];
    const bad = values
      .slice(at, at + n)
      .findIndex((v) => toSigned(v, BN254_R) < lo || toSigned(v, BN254_R) > hi);
    if (bad >= 0)
      return {
        outputs,
        problem: `public input "${inp.name}" element ${bad} is outside its calibrated range`,
      };
    at += n;
  }
  return { outputs };
}

/** The proof, public signals and verification key of one system, checked to belong to this build. */
export async function loadProof(buildDir: string, system?: ProofSystem) {
  const build = await loadBuild(buildDir);
  const sys = system ?? build.settings.system ?? "groth16";
  await loadKeys(build, sys, ["vkey"]);
  const vkey = await readJsonFile<object>(requireSystemArtifact(buildDir, sys, "vkey"));
  const proof = await readJsonFile<object>(requireSystemArtifact(buildDir, sys, "proof"));
  const signals = await readJsonFile<string[]>(requireSystemArtifact(buildDir, sys, "public"));
  return { build, system: sys, vkey, proof, signals };
}

/** The `verify` step: checks proof.json against public.json with the verification key. */
export async function verify(buildDir: string, opts: { system?: ProofSystem } = {}): Promise<VerifyResult> {
  const { build, system, vkey, proof, signals } = await loadProof(buildDir, opts.system);
  const { outputs, problem } = decodePublic(build, signals);
  if (problem) return { valid: false, reason: problem, outputs };
  const valid = await snarkVerify(system, vkey, signals, proof);
  return valid
    ? { valid, outputs }
    : { valid, reason: "the proof does not verify against public.json", outputs };
}

/** The `export-verifier` step: snarkjs's Solidity verifier for this build's key. */
export async function exportVerifier(
  buildDir: string,
  opts: { system?: ProofSystem; out?: string } = {},
): Promise<{ path: string; bytes: number; system: ProofSystem }> {
  const build = await loadBuild(buildDir);
  const system = opts.system ?? build.settings.system ?? "groth16";
  await loadKeys(build, system, ["zkey"]);
  const sol = await exportSolidityVerifier(systemArtifactPath(buildDir, system, "zkey"));
  const path = opts.out ?? systemArtifactPath(buildDir, system, "verifier");
  await writeAtomic(path, sol);
  return { path, bytes: Buffer.byteLength(sol), system };
}

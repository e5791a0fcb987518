import { dequantize } from "../3-quantize/quantize-value.js";
import { BN254_R } from "../6-prove/groth16_setup.js";
import { groth16Verify } from "../6-prove/groth16_verify.js";
import { exportSolidityVerifier } from "../6-prove/verifier_export.js";
import { artifactPath, readJsonArtifact, writeAtomic } from "../artifacts.js";
import { type Build, loadBuild } from "./build.js";
import { loadKeys } from "./setup.js";
import { toSigned } from "./witness.js";

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
    const vals = values.slice(at, at + n).map((v) => dequantize(toSigned(v, BN254_R), o.scale));
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

/** The `verify` step: checks proof.json against public.json with the verification key. */
export async function verify(buildDir: string): Promise<VerifyResult> {
  const build = await loadBuild(buildDir);
  await loadKeys(build, ["vkey"]);
  const vkey = await readJsonArtifact<object>(buildDir, "vkey");
  const proof = await readJsonArtifact<object>(buildDir, "proof");
  const signals = await readJsonArtifact<string[]>(buildDir, "public");
  const { outputs, problem } = decodePublic(build, signals);
  if (problem) return { valid: false, reason: problem, outputs };
  const valid = await groth16Verify(vkey, signals, proof);
  return valid
    ? { valid, outputs }
    : { valid, reason: "the proof does not verify against public.json", outputs };
}

/** The `export-verifier` step: snarkjs's Solidity Groth16 verifier for this build's key. */
export async function exportVerifier(
  buildDir: string,
  outPath = artifactPath(buildDir, "verifier"),
): Promise<{ path: string; bytes: number }> {
  const build = await loadBuild(buildDir);
  await loadKeys(build, ["zkey"]);
  const sol = await exportSolidityVerifier(artifactPath(buildDir, "zkey"));
  await writeAtomic(outPath, sol);
  return { path: outPath, bytes: Buffer.byteLength(sol) };
}

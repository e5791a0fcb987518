/**
 * Verification with snarkjs (Groth16, PLONK, FFLONK). Never throws on malformed input: anything that is
 * not a well-formed valid proof for these public signals returns false.
 *
 * Besides snarkjs's own checks this requires the key's protocol to match and exactly `vkey.nPublic`
 * public signals written as canonical decimal strings: snarkjs itself silently accepts a shorter list,
 * which a Solidity verifier would reject.
 */
import "./curve.js";
import { SNARKJS } from "./snarkjs.js";
import type { ProofSystem } from "./systems.js";

const DECIMAL = /^(0|[1-9][0-9]*)$/;
const QUIET = { debug() {}, info() {}, warn() {}, error() {} };

export async function snarkVerify(
  system: ProofSystem,
  vkey: object,
  publicSignals: string[],
  proof: object,
): Promise<boolean> {
  try {
    const vk = vkey as { protocol?: unknown; nPublic?: unknown; IC?: unknown };
    if (vk.protocol !== system || typeof vk.nPublic !== "number") return false;
    if (system === "groth16" && (!Array.isArray(vk.IC) || vk.IC.length !== vk.nPublic + 1)) return false;
    if (!Array.isArray(publicSignals) || publicSignals.length !== vk.nPublic) return false;
    if (!publicSignals.every((s) => typeof s === "string" && DECIMAL.test(s))) return false;
    if (typeof proof !== "object" || proof === null) return false;
    return (await SNARKJS[system].verify(vkey, publicSignals, proof, QUIET)) === true;
  } catch {
    return false;
  }
}

/**
 * Groth16 verification with snarkjs. Never throws on malformed input: anything that is not a
 * well-formed valid proof for these public signals returns false.
 *
 * Besides snarkjs's own checks (points on the curve, public signals in the field, the pairing
 * equation) this requires exactly `vkey.nPublic` public signals written as canonical decimal strings:
 * snarkjs itself silently accepts a shorter list, which the Solidity verifier would reject.
 */
import * as snarkjs from "snarkjs";
import "./curve.js";

const DECIMAL = /^(0|[1-9][0-9]*)$/;

export async function groth16Verify(vkey: object, publicSignals: string[], proof: object): Promise<boolean> {
  try {
    const vk = vkey as { protocol?: unknown; nPublic?: unknown; IC?: unknown };
    if (vk.protocol !== "groth16" || typeof vk.nPublic !== "number") return false;
    if (!Array.isArray(vk.IC) || vk.IC.length !== vk.nPublic + 1) return false;
    if (!Array.isArray(publicSignals) || publicSignals.length !== vk.nPublic) return false;
    if (!publicSignals.every((s) => typeof s === "string" && DECIMAL.test(s))) return false;
    const p = proof as { pi_a?: unknown; pi_b?: unknown; pi_c?: unknown };
    if (!Array.isArray(p.pi_a) || !Array.isArray(p.pi_b) || !Array.isArray(p.pi_c)) return false;
    const quiet = { debug() {}, info() {}, warn() {}, error() {} };
    return (await snarkjs.groth16.verify(vkey, publicSignals, proof, quiet)) === true;
  } catch {
    return false;
  }
}

/**
 * Groth16 proving with snarkjs, in-process. The witness is `.wtns` bytes (from
 * `WitnessCalculator.calculateWtns`) or the path of a `.wtns` file.
 *
 * snarkjs does not check that the witness satisfies the constraints: a wrong witness yields a proof
 * that simply fails to verify. Callers that want a clear error should verify right after proving.
 */
import { type ProofResult, snarkProve } from "./snark_prove.js";

export type Groth16ProofResult = ProofResult;

export function groth16Prove(
  zkeyPath: string,
  wtns: Uint8Array | string,
  opts: { logger?: (s: string) => void } = {},
): Promise<Groth16ProofResult> {
  return snarkProve("groth16", zkeyPath, wtns, opts);
}

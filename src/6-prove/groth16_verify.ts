import { snarkVerify } from "./snark_verify.js";

/** Groth16 verification; see snark_verify.ts. */
export function groth16Verify(vkey: object, publicSignals: string[], proof: object): Promise<boolean> {
  return snarkVerify("groth16", vkey, publicSignals, proof);
}

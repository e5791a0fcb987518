/** The proof systems zkmlc drives through snarkjs, all on BN254 (snarkjs itself: snarkjs.ts). */
export const PROOF_SYSTEMS = ["groth16", "plonk", "fflonk"] as const;
export type ProofSystem = (typeof PROOF_SYSTEMS)[number];

export function isProofSystem(s: string): s is ProofSystem {
  return (PROOF_SYSTEMS as readonly string[]).includes(s);
}

/**
 * circom optimization per system: --O2 substitutes linear constraints away (free linear layers under
 * Groth16), but makes rows dense, and PLONK-style systems pay a gate per addition: O1 there.
 * An unrolled recurrence (LSTM, GRU, RNN) also gets O1: circom's O2 elimination grows with the cube
 * of the hidden size there (measured on an LSTM of 5 steps: hidden 10, 26 s; 20, 194 s; 50, over 15
 * minutes), while O1 compiles hidden 50 in 47 s for 19% more constraints (the linear ones it keeps).
 */
export function circomOptimization(system: ProofSystem, recurrent = false): 1 | 2 {
  return system === "groth16" && !recurrent ? 2 : 1;
}

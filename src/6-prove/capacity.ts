/**
 * How large a circuit this machine can prove, so that compile refuses a hopeless one (error too-large)
 * before the long work starts rather than failing in setup or prove after minutes.
 *
 * Groth16 (direct backend): the prover is the step with the highest peak memory, and its peak grows with
 * the FFT domain 2^c (c = circuitPower). `bench/scale.ts` measured it on the project's machine (2 cores,
 * 24 GiB; bench/RESULTS.md, "Size limits"); the model below is a line through those points, and the limit
 * is the largest domain whose predicted peak fits in MEMORY_SHARE of this machine's memory.
 *
 * circom backend: circom 2.2.3 runs as 32-bit WebAssembly and runs out of address space near 250k
 * constraints (EZKL's lstm_large at 313k, an MLP at 260k), whatever the machine.
 */
import { totalmem } from "node:os";
import { MAX_POWER } from "./ptau.js";
import type { ProofSystem } from "./systems.js";

/**
 * Peak resident set of `zkmlc prove` ≈ PROVE_BASE + PROVE_PER_SLOT · 2^c bytes (bench/scale.ts, 2026-12-07:
 * 1.82, 2.89, 5.15 and 10.38 GiB at 2^19..2^22). The slope is the steepest measured (2^21 to 2^22), the
 * base the largest offset over the points, so the line is above every measurement: at 2^23 it predicts
 * 21.4 GiB.
 */
export const PROVE_BASE = 0.5 * 2 ** 30;
export const PROVE_PER_SLOT = 2680;
/** Leave the rest of the memory to the system and other processes. */
const MEMORY_SHARE = 0.85;
/** Where circom's WebAssembly address space ends (see above). */
export const CIRCOM_WALL = 250_000;

const gib = (b: number) => `${(b / 2 ** 30).toFixed(1)} GiB`;

export function provePeakBytes(power: number): number {
  return PROVE_BASE + PROVE_PER_SLOT * 2 ** power;
}

export interface SizeLimit {
  /** The most constraints compile accepts without --max-constraints. */
  constraints: number;
  /** Groth16: the largest domain 2^power (constraints + public signals + 1 must fit in it). */
  power?: number;
  /** What the limit is, for the error message. */
  why: string;
  hint: string;
}

/** The default size limit of a circuit compiled for `system` with `backend` on a machine with `memory` bytes. */
export function sizeLimit(system: ProofSystem, backend: "direct" | "circom", memory = totalmem()): SizeLimit {
  const override = "pass --max-constraints N to compile it anyway";
  if (backend === "circom")
    return {
      constraints: CIRCOM_WALL,
      why: "circom's limit: it runs as 32-bit WebAssembly and runs out of address space near there",
      hint:
        system === "groth16"
          ? `omit --backend circom: the direct backend has no such limit; or ${override}`
          : `use --system groth16 (its direct backend has no such limit), or a smaller model; or ${override}`,
    };
  let power = 0;
  while (power < MAX_POWER && provePeakBytes(power + 1) <= MEMORY_SHARE * memory) power++;
  return {
    constraints: 2 ** power - 1,
    power,
    why: `this machine's limit: proving a circuit of 2^${power + 1} needs about ${gib(provePeakBytes(power + 1))} of memory, this machine has ${gib(memory)}`,
    hint: `make the model smaller (fewer channels or a smaller input) or use a machine with more memory; or ${override}`,
  };
}

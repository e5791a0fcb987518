/**
 * How large a circuit this machine can prove, so that compile refuses a hopeless one (error too-large)
 * before the long work starts rather than failing in setup or prove after minutes.
 *
 * Groth16 (direct backend): the prover is the step with the highest peak memory, and its peak grows with
 * the FFT domain 2^c (c = circuitPower). `bench/scale.ts` measured it on the project's machine (2 cores,
 * 24 GiB; bench/RESULTS.md, "Size limits"); provePeakBytes follows those points, and the limit
 * is the largest domain whose predicted peak fits in MEMORY_SHARE of this machine's memory.
 *
 * circom backend: circom 2.2.3 runs as 32-bit WebAssembly and runs out of address space near 250k
 * constraints (EZKL's lstm_large at 313k, an MLP at 260k), whatever the machine.
 */
import { totalmem } from "node:os";
import { MAX_POWER } from "./ptau.js";
import type { ProofSystem } from "./systems.js";

/**
 * Peak resident set of `zkmlc prove` at 2^19..2^23, in GiB, measured by bench/scale.ts on 2026-12-07
 * (bench/RESULTS.md, "Size limits"). Between the points the peak is interpolated; below them it is the
 * smallest one; above them it grows by the steepest measured slope (2^21 to 2^22), so an extrapolation
 * errs on the high side.
 */
const MEASURED_GIB: readonly (readonly [number, number])[] = [
  [19, 1.82],
  [20, 2.89],
  [21, 5.3],
  [22, 10.38],
  [23, 16.84],
];
/** Leave the rest of the memory to the system and other processes. */
const MEMORY_SHARE = 0.85;
/** Where circom's WebAssembly address space ends (see above). */
export const CIRCOM_WALL = 250_000;

const GIB = 2 ** 30;
const gib = (b: number) => `${(b / GIB).toFixed(1)} GiB`;

/** GiB per domain slot: the steepest growth between two measured points. */
const STEEPEST = Math.max(
  ...MEASURED_GIB.slice(1).map(([p, g], i) => (g - (MEASURED_GIB[i]?.[1] ?? 0)) / 2 ** (p - 1)),
);

export function provePeakBytes(power: number): number {
  const pts = MEASURED_GIB;
  const [p0, g0] = pts[0] as readonly [number, number];
  const [pn, gn] = pts[pts.length - 1] as readonly [number, number];
  if (power <= p0) return g0 * GIB;
  if (power >= pn) return (gn + STEEPEST * (2 ** power - 2 ** pn)) * GIB;
  const k = pts.findIndex(([p]) => p >= power);
  const [pa, ga] = pts[k - 1] as readonly [number, number];
  const [pb, gb] = pts[k] as readonly [number, number];
  return (ga + ((gb - ga) * (2 ** power - 2 ** pa)) / (2 ** pb - 2 ** pa)) * GIB;
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

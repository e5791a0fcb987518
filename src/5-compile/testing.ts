/**
 * Compile a circuit given as source text in a fresh temporary build directory, with the circuit
 * libraries laid out as `compileCircom` expects (see circom.ts): for template tests that check exact
 * constraint counts and forged witnesses.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type CompileCircomResult, compileCircom, copyCircuitLibrary } from "./circom.js";

export interface CompiledSource extends CompileCircomResult {
  workDir: string;
  /** Remove the temporary build directory. */
  cleanup(): Promise<void>;
}

export async function compileCircuitSource(
  source: string,
  opts: {
    optimize?: 1 | 2;
    /** Extra files to write below the build directory, e.g. `{ "lib/zkmlc/helper.circom": "..." }`. */
    files?: Record<string, string>;
    logger?: (line: string) => void;
    workDir?: string;
  } = {},
): Promise<CompiledSource> {
  const workDir = opts.workDir ?? (await mkdtemp(join(tmpdir(), "zkmlc-circuit-")));
  await copyCircuitLibrary(workDir);
  for (const [rel, text] of Object.entries(opts.files ?? {})) {
    await mkdir(dirname(join(workDir, rel)), { recursive: true });
    await writeFile(join(workDir, rel), text);
  }
  await writeFile(join(workDir, "circuit.circom"), source);
  const result = await compileCircom({
    workDir,
    mainFile: "circuit.circom",
    optimize: opts.optimize ?? 2,
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
  return { ...result, workDir, cleanup: () => rm(workDir, { recursive: true, force: true }) };
}

// The toolchain self-test circuit. A helper template in lib/zkmlc/ (write it as
// `files: { "lib/zkmlc/zz_helper.circom": SAMPLE_HELPER }`) that includes circomlib relative to itself ("../circomlib/..."), and a
// main circuit that includes both through `-l lib` ("zkmlc/...", "circomlib/...": bitify twice).
export const SAMPLE_HELPER = `pragma circom 2.1.0;
include "../circomlib/bitify.circom";
template Bits(n) { signal input in; signal output out[n]; component nb = Num2Bits(n); nb.in <== in;
  for (var i = 0; i < n; i++) out[i] <== nb.out[i]; }
`;
export const SAMPLE_MAIN = `pragma circom 2.1.0;
include "zkmlc/zz_helper.circom";
include "circomlib/bitify.circom";
template T(n) {
  signal input x;
  signal input y;
  signal input a[2][2];
  signal output z;
  signal output bits[n];
  signal p <== x * y;
  signal q <== a[0][1] * a[1][0];
  z <== p + q + 3 * x + 1 + a[0][0] + a[1][1];
  component b = Bits(n);
  b.in <== y;
  for (var i = 0; i < n; i++) bits[i] <== b.out[i];
}
component main {public [x]} = T(4);
`;

/** Compile SAMPLE_MAIN (with SAMPLE_HELPER) in a fresh temporary directory. */
export function compileSampleCircuit(opts: { optimize?: 1 | 2 } = {}): Promise<CompiledSource> {
  return compileCircuitSource(SAMPLE_MAIN, {
    optimize: opts.optimize ?? 2,
    files: { "lib/zkmlc/zz_helper.circom": SAMPLE_HELPER },
  });
}

/** The sample circuit's output z for inputs x, y, a (the specification its witness must match). */
export function sampleOutput(x: bigint, y: bigint, a: bigint[][]): bigint {
  const at = (i: number, j: number) => a[i]?.[j] ?? 0n;
  return x * y + at(0, 1) * at(1, 0) + 3n * x + 1n + at(0, 0) + at(1, 1);
}

/**
 * Test harness for circom circuits: compile a main component into a temporary build directory (with the
 * zkmlc and circomlib libraries laid out by `copyCircuitLibrary`), then calculate witnesses, check them
 * against the r1cs, look signals up by name and forge witnesses.
 *
 *   const c = await compileTemplate("Rescale(8, 3)");           // component main = Rescale(8, 3);
 *   const c = await compileMain(source, { optimize: 1 });        // any main source (includes via -l lib)
 *   const w = await c.calculate({ in: -5n });                    // negative bigints are fine
 *   c.signed(w, "main.out");                                     // -1n
 *   await c.checkWitness(c.forge(w, { "main.out": 0n }));        // { ok: false, ... }
 *   await c.cleanup();
 *
 * Compile once per parameter set (in `beforeAll`) and reuse the calculator for every input.
 *
 * The direct backend's builds of the same prims (direct-harness.ts) have this interface too, so a
 * template test runs each forged witness on both (`backendsFor`, `noteForgery`/`expectForgeryGaps`).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { compileCircom, copyCircuitLibrary } from "../../src/5-compile/circom.js";
import { readSymbols, type WitnessCheck } from "../../src/5-compile/r1cs.js";
import { loadWitnessCalculator } from "../../src/6-prove/witness.js";
import { r1csChecker } from "./r1cs-check.js";

/** The BN254 scalar field prime. */
export const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** A signed integer as a field element in [0, P). */
export function toField(x: bigint): bigint {
  const r = x % P;
  return r < 0n ? r + P : r;
}

/** A field element read as a signed integer in (-P/2, P/2]. */
export function fromField(v: bigint): bigint {
  const r = toField(v);
  return r > P / 2n ? r - P : r;
}

/** The multiplicative inverse in the field (0 for 0, as circom's IsZero hint does). */
export function fieldInv(x: bigint): bigint {
  let base = toField(x);
  if (base === 0n) return 0n;
  let e = P - 2n;
  let r = 1n;
  while (e > 0n) {
    if (e & 1n) r = (r * base) % P;
    base = (base * base) % P;
    e >>= 1n;
  }
  return r;
}

/** The n low bits of a non-negative integer, least significant first. */
export function bitsOf(x: bigint, n: number): bigint[] {
  if (x < 0n) throw new RangeError(`bitsOf(${x}): negative`);
  return Array.from({ length: n }, (_, i) => (x >> BigInt(i)) & 1n);
}

/** Which backend built a circuit: circom (--O1/--O2 of Circom text) or the direct R1CS writer (direct-harness.ts). */
export type Backend = "circom" | "direct";

/**
 * The backends a template test runs on: both for --O2 (the direct backend makes the constraint system
 * circom --O2 makes), circom alone for --O1.
 */
export function backendsFor(optimize: 1 | 2 = 2): Backend[] {
  return optimize === 2 ? ["circom", "direct"] : ["circom"];
}

export interface CompiledCircuit {
  backend: Backend;
  workDir: string;
  r1csPath: string;
  symPath: string;
  wasmPath: string;
  /** Constraints in the r1cs (after the chosen optimization level). */
  nConstraints: number;
  /**
   * Constraints of the circuit under test: all of them for a compiled template; for a direct build, those
   * of the prim under test (without the plan's input range checks and the harness's helper prims).
   */
  ownConstraints: number;
  /** circom's output. */
  stdout: string;
  /** Signal name ("main.out", "main.bits.out[3]") -> witness index; optimized-away signals are absent. */
  symbols: Map<string, number>;
  /** The full witness for an input (throws a ZkmlError when a constraint or assert fails). */
  calculate(input: Record<string, unknown>): Promise<bigint[]>;
  /** Evaluate every r1cs constraint on a witness (r1cs-check.ts: the file parsed once). */
  checkWitness(witness: bigint[]): Promise<WitnessCheck>;
  /** Witness index of a signal; throws if the name is unknown or was optimized away. */
  index(name: string): number;
  /** A signal's value as a field element. */
  get(witness: bigint[], name: string): bigint;
  /** A signal's value as a signed integer. */
  signed(witness: bigint[], name: string): bigint;
  /**
   * A copy of `witness` with the named signals set (values are taken mod P, so negative numbers are
   * fine). Signals the optimizer removed are skipped: they are linear functions of the kept ones and so
   * take whatever value the forged kept signals imply. Throws if no kept signal changed, so a forgery
   * test can never pass vacuously.
   */
  forge(witness: bigint[], changes: Record<string, bigint>): bigint[];
  /**
   * Whether `forge(witness, changes)` would change a kept signal. A forgery that only touches signals the
   * optimizer removed is no forgery of this build (those values are implied by the kept ones).
   */
  changesKept(witness: bigint[], changes: Record<string, bigint>): boolean;
  /** Remove the build directory. */
  cleanup(): Promise<void>;
}

export interface CompileOptions {
  /** circom optimization level; default 2 (what Groth16 builds use). */
  optimize?: 1 | 2;
  /** Main file name inside the build directory; default "main.circom". */
  mainFile?: string;
  /** Receives circom's output lines. */
  logger?: (line: string) => void;
}

/** Compile a complete main circuit source (it can `include "zkmlc/<file>.circom"` and `"circomlib/..."`). */
export async function compileMain(source: string, opts: CompileOptions = {}): Promise<CompiledCircuit> {
  const workDir = await mkdtemp(join(tmpdir(), "zkmlc-circuit-test-"));
  try {
    await copyCircuitLibrary(workDir);
    const mainFile = opts.mainFile ?? "main.circom";
    await writeFile(join(workDir, mainFile), source);
    const res = await compileCircom({
      workDir,
      mainFile,
      optimize: opts.optimize ?? 2,
      ...(opts.logger ? { logger: opts.logger } : {}),
    });
    const symbols = await readSymbols(res.symPath);
    const wc = await loadWitnessCalculator(res.wasmPath);
    const check = await r1csChecker(res.r1csPath);
    return {
      backend: "circom",
      workDir,
      r1csPath: res.r1csPath,
      symPath: res.symPath,
      wasmPath: res.wasmPath,
      nConstraints: res.nConstraints,
      ownConstraints: res.nConstraints,
      stdout: res.stdout,
      symbols,
      calculate: (input) => wc.calculate(input),
      checkWitness: check,
      ...signalAccess((name) => symbols.get(name)),
      cleanup: () => rm(workDir, { recursive: true, force: true }),
    };
  } catch (e) {
    await rm(workDir, { recursive: true, force: true });
    throw e;
  }
}

/**
 * index/get/signed/forge/changesKept of a CompiledCircuit over a name lookup (a signal's witness index, or
 * undefined when the build has no wire for it: unknown, or eliminated by the optimizer).
 */
export function signalAccess(
  lookup: (name: string) => number | undefined,
): Pick<CompiledCircuit, "index" | "get" | "signed" | "forge" | "changesKept"> {
  const index = (name: string): number => {
    const i = lookup(name);
    if (i === undefined) throw new Error(`signal ${name} is not in the witness (unknown or optimized away)`);
    return i;
  };
  const get = (w: bigint[], name: string): bigint => {
    const v = w[index(name)];
    if (v === undefined) throw new Error(`witness has no index ${index(name)} for ${name}`);
    return v;
  };
  return {
    index,
    get,
    signed: (w, name) => fromField(get(w, name)),
    forge(w, changes) {
      const out = w.slice();
      let changed = false;
      for (const [name, value] of Object.entries(changes)) {
        const i = lookup(name);
        if (i === undefined) continue;
        const v = toField(value);
        if (out[i] !== v) changed = true;
        out[i] = v;
      }
      if (!changed) throw new Error("the forgery changes no signal that is kept in this build's witness");
      return out;
    },
    changesKept: (w, changes) =>
      Object.entries(changes).some(([name, value]) => {
        const i = lookup(name);
        return i !== undefined && w[i] !== toField(value);
      }),
  };
}

/** Compile `component main = <instantiation>;` with the zkmlc library included, e.g. "Rescale(8, 3)". */
export function compileTemplate(instantiation: string, opts: CompileOptions = {}): Promise<CompiledCircuit> {
  const source = `pragma circom 2.1.0;\ninclude "zkmlc/zkmlc.circom";\n\ncomponent main = ${instantiation};\n`;
  return compileMain(source, opts);
}

/** Deterministic 64-bit LCG for reproducible random tests. */
export function rng(seed: bigint): () => bigint {
  let s = seed;
  return () => {
    s = (s * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
    return s ^ (s >> 29n);
  };
}

/** A uniform-ish random integer in [lo, hi) from `next`. */
export function randomIn(next: () => bigint, lo: bigint, hi: bigint): bigint {
  const span = hi - lo;
  let v = 0n;
  const bits = span.toString(2).length + 64;
  for (let i = 0; i < bits; i += 64) v = (v << 64n) | next();
  return lo + (v % span);
}

/**
 * Add `delta` to every witness entry except the constant wire 0 and the `frozen` signals (the inputs),
 * one at a time, and return the indices where the r1cs still accepted the mutated witness. For a circuit
 * whose every signal is a function of its inputs the result must be empty: no single hint can change.
 */
export async function mutationSurvivors(
  c: CompiledCircuit,
  witness: bigint[],
  frozen: string[],
  delta = 1n,
): Promise<number[]> {
  const skip = new Set<number>([0, ...frozen.map((n) => c.index(n))]);
  const survivors: number[] = [];
  for (let i = 0; i < witness.length; i++) {
    if (skip.has(i)) continue;
    const w = witness.slice();
    w[i] = toField((w[i] as bigint) + delta);
    if ((await c.checkWitness(w)).ok) survivors.push(i);
  }
  return survivors;
}

/**
 * The forgeries each backend's build of a case has tried (changed a kept signal of and checked), by
 * name. A forgery one backend tries and the other never does only touched signals the other eliminated:
 * `forgeryGaps` lists them, so a test can show its forgeries compare the two backends (none, or the ones
 * rewritten for the other backend, named in the test).
 */
const tried = new Map<string, Set<string>>();

/** Record that the build of `key` on `backend` tried the forgery `what`. */
export function noteForgery(key: string, backend: Backend, what: string): void {
  const k = `${key} [${backend}]`;
  const set = tried.get(k) ?? new Set<string>();
  set.add(what);
  tried.set(k, set);
}

/**
 * Forgeries of `key` tried on one backend only, once both have run (undefined before: the circom
 * describe of a case runs before its direct one).
 */
export function forgeryGaps(key: string): { circomOnly: string[]; directOnly: string[] } | undefined {
  const c = tried.get(`${key} [circom]`);
  const d = tried.get(`${key} [direct]`);
  if (!c || !d) return undefined;
  return { circomOnly: [...c].filter((n) => !d.has(n)), directOnly: [...d].filter((n) => !c.has(n)) };
}

/**
 * After a case's direct run: the forgeries tried on one backend only are exactly the expected ones (each
 * named and explained by its test, with the form it takes on the other backend). Nothing to compare
 * when only one backend of the case ran (a filtered run).
 */
export function expectForgeryGaps(
  key: string,
  backend: Backend,
  expected: { circomOnly?: string[]; directOnly?: string[] } = {},
): void {
  const gaps = forgeryGaps(key);
  if (backend !== "direct" || !gaps) return;
  expect(gaps, `${key}: forgeries tried on one backend only`).toEqual({
    circomOnly: expected.circomOnly ?? [],
    directOnly: expected.directOnly ?? [],
  });
}

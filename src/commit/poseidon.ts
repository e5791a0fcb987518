import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { P as FIELD, mod } from "../3-lower/field.js";
import { bug } from "../errors.js";

/**
 * circomlib's Poseidon over BN254 as its circuit computes it (circuits/poseidon.circom, PoseidonEx): the
 * optimized form with a sparse partial-round layer (Ark, Sigma, Mix, MixS, MixLast), whose constants
 * circomlibjs ships (src/poseidon_constants_opt.json: C, S, M, P per width t). One generic walk through
 * the template (`permute`) serves both the values (here) and the direct backend's constraints and
 * witness (prims/commit.ts), so every intermediate value is the one circom's witness holds. Tests check
 * the result against circomlibjs's own buildPoseidon (wasm) and its reference implementation.
 *
 * Synchronous and free at import (the constants load on first use): circomlibjs's buildPoseidon is async
 * and costs ~0.8 s to import and build, which every CLI command would pay through the prim registry.
 */

export const N_ROUNDS_F = 8;
/** circomlib's partial rounds per width t = 2..17 (index t − 2). */
export const N_ROUNDS_P = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68] as const;

export interface PoseidonConstants {
  t: number;
  nRoundsP: number;
  /** Round constants: t per full round (the last full round has none), one per partial round. */
  C: bigint[];
  /** Sparse partial-round matrices, 2t − 1 per round. */
  S: bigint[];
  /** The MDS matrix, and the dense matrix before the partial rounds. */
  M: bigint[][];
  P: bigint[][];
}

interface RawConstants {
  C: string[][];
  S: string[][];
  M: string[][][];
  P: string[][][];
}

let raw: RawConstants | undefined;
const cache = new Map<number, PoseidonConstants>();

/** circomlibjs's poseidon_constants_opt.json (its package exports only main.js, so found from there). */
function rawConstants(): RawConstants {
  if (!raw) {
    const main = createRequire(import.meta.url).resolve("circomlibjs");
    const path = join(dirname(main), "..", "src", "poseidon_constants_opt.json");
    raw = JSON.parse(readFileSync(path, "utf8")) as RawConstants;
  }
  return raw;
}

/** The constants of width t (2..17: Poseidon of t − 1 inputs). */
export function poseidonConstants(t: number): PoseidonConstants {
  const hit = cache.get(t);
  if (hit) return hit;
  const nRoundsP = N_ROUNDS_P[t - 2];
  if (nRoundsP === undefined) bug(`Poseidon has no width ${t}`);
  const r = rawConstants();
  const big = (xs: string[] | undefined) => (xs ?? bug(`no Poseidon constants for t = ${t}`)).map(BigInt);
  const c: PoseidonConstants = {
    t,
    nRoundsP,
    C: big(r.C[t - 2]),
    S: big(r.S[t - 2]),
    M: (r.M[t - 2] ?? []).map(big),
    P: (r.P[t - 2] ?? []).map(big),
  };
  if (c.C.length !== N_ROUNDS_F * t + nRoundsP || c.S.length !== nRoundsP * (2 * t - 1) || c.M.length !== t)
    bug(`circomlibjs's Poseidon constants for t = ${t} have an unexpected shape`);
  cache.set(t, c);
  return c;
}

/**
 * What `permute` computes with: values (field elements), or the direct backend's signals (a combination
 * of wires with its value). `sigma` is circomlib's Sigma (x^5 as in2 = x·x, in4 = in2·in2, out = in4·x);
 * `name` (optional) receives every other signal of the template under its path.
 */
export interface PoseidonAlgebra<T> {
  /** Σ c·x + k. */
  lin(terms: readonly (readonly [bigint, T])[], k?: bigint): T;
  sigma(x: T, path: () => string): T;
  name?(path: () => string, x: T): void;
}

/**
 * PoseidonEx(t − 1, nOuts) step by step, signal for signal as circomlib's template writes them: `path` is
 * the component's name (e.g. "main.c_t5[0].pEx"); the outputs are out[0..nOuts).
 */
export function permute<T>(
  A: PoseidonAlgebra<T>,
  inputs: readonly T[],
  initialState: T,
  nOuts: number,
  path: () => string,
): T[] {
  const t = inputs.length + 1;
  const { C, S, M, P, nRoundsP } = poseidonConstants(t);
  const half = N_ROUNDS_F / 2;
  const name = A.name?.bind(A);
  const names = (what: () => string, xs: readonly T[]) => {
    if (name)
      xs.forEach((x, j) => {
        name(() => `${what()}[${j}]`, x);
      });
  };
  const ark = (r: number, xs: readonly T[], offset: number): T[] => {
    names(() => `${path()}.ark[${r}].in`, xs);
    const out = xs.map((x, j) => A.lin([[1n, x]], C[offset + j] as bigint));
    names(() => `${path()}.ark[${r}].out`, out);
    return out;
  };
  const mix = (r: number, xs: readonly T[], m: bigint[][]): T[] => {
    names(() => `${path()}.mix[${r}].in`, xs);
    const out = xs.map((_, i) => A.lin(xs.map((x, j) => [(m[j] as bigint[])[i] as bigint, x] as const)));
    names(() => `${path()}.mix[${r}].out`, out);
    return out;
  };
  const sigmas = (r: number, xs: readonly T[]): T[] =>
    xs.map((x, j) => A.sigma(x, () => `${path()}.sigmaF[${r}][${j}]`));

  names(() => `${path()}.inputs`, inputs);
  name?.(() => `${path()}.initialState`, initialState);
  let state = ark(0, [initialState, ...inputs], 0);
  for (let r = 0; r < half - 1; r++) {
    state = mix(r, ark(r + 1, sigmas(r, state), (r + 1) * t), M);
  }
  state = mix(half - 1, ark(half, sigmas(half - 1, state), half * t), P);
  for (let r = 0; r < nRoundsP; r++) {
    const s = A.sigma(state[0] as T, () => `${path()}.sigmaP[${r}]`);
    const ins = [A.lin([[1n, s]], C[(half + 1) * t + r] as bigint), ...state.slice(1)];
    const base = (2 * t - 1) * r;
    names(() => `${path()}.mixS[${r}].in`, ins);
    const in0 = ins[0] as T;
    state = [
      A.lin(ins.map((x, i) => [S[base + i] as bigint, x] as const)),
      ...ins.slice(1).map((x, k) =>
        A.lin([
          [1n, x],
          [S[base + t + k] as bigint, in0],
        ]),
      ),
    ];
    names(() => `${path()}.mixS[${r}].out`, state);
  }
  for (let r = 0; r < half - 1; r++) {
    const offset = (half + 1) * t + nRoundsP + r * t;
    state = mix(half + r, ark(half + r + 1, sigmas(half + r, state), offset), M);
  }
  const last = sigmas(N_ROUNDS_F - 1, state);
  const outs: T[] = [];
  for (let i = 0; i < nOuts; i++) {
    names(() => `${path()}.mixLast[${i}].in`, last);
    const o = A.lin(last.map((x, j) => [(M[j] as bigint[])[i] as bigint, x] as const));
    name?.(() => `${path()}.mixLast[${i}].out`, o);
    outs.push(o);
  }
  names(() => `${path()}.out`, outs);
  return outs;
}

/** Field elements. */
export const VALUES: PoseidonAlgebra<bigint> = {
  lin(terms, k = 0n) {
    let acc = k;
    for (const [c, x] of terms) acc += c * x;
    return mod(acc);
  },
  sigma(x) {
    const x2 = (x * x) % FIELD;
    const x4 = (x2 * x2) % FIELD;
    return (x4 * x) % FIELD;
  },
};

/** circomlib's Poseidon(n), 1 <= n <= 16: PoseidonEx(n, 1) with initial state 0. */
export function poseidon(inputs: readonly bigint[]): bigint {
  if (inputs.length < 1 || inputs.length > 16) bug(`Poseidon of ${inputs.length} inputs`);
  const out = permute(VALUES, inputs.map(mod), 0n, 1, () => "");
  return out[0] as bigint;
}

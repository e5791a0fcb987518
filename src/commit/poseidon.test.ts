/**
 * The Poseidon that the commitment and the direct backend compute (poseidon.ts, circomlib's circuit
 * step by step) against circomlibjs: its wasm implementation (the optimized constants, as circomlib's
 * circuit) and its reference implementation (the original constants and round structure), for every
 * width, with edge values (0, 1, p − 1) and random ones; and every output of the state (PoseidonEx
 * with an initial state), which the generic walk computes too.
 */
import { buildPoseidon, buildPoseidonReference, type PoseidonFn } from "circomlibjs";
import { beforeAll, describe, expect, it } from "vitest";
import { P } from "../3-lower/field.js";
import { N_ROUNDS_P, permute, poseidon, poseidonConstants, VALUES } from "./poseidon.js";

/** Deterministic field elements (an LCG), with 0, 1 and p − 1 first. */
function elements(n: number, seed: number): bigint[] {
  let s = BigInt(seed);
  const out: bigint[] = [];
  for (let i = 0; i < n; i++) {
    s = (s * 6364136223846793005n + 1442695040888963407n) % (1n << 256n);
    out.push([0n, 1n, P - 1n][i] ?? s % P);
  }
  return out;
}

describe("poseidon (circomlib's circuit, step by step)", () => {
  let wasm: PoseidonFn;
  let reference: PoseidonFn;
  beforeAll(async () => {
    wasm = await buildPoseidon();
    reference = await buildPoseidonReference();
  });

  it("has circomlib's round numbers and constant shapes for t = 2..17", () => {
    for (let t = 2; t <= 17; t++) {
      const c = poseidonConstants(t);
      expect(c.nRoundsP).toBe(N_ROUNDS_P[t - 2]);
      expect(c.C.length).toBe(8 * t + c.nRoundsP);
      expect(c.M.every((row) => row.length === t && row.every((x) => x > 0n && x < P))).toBe(true);
    }
  });

  it("equals circomlibjs (wasm and reference) for 1..16 inputs", () => {
    for (let n = 1; n <= 16; n++)
      for (let seed = 1; seed <= 3; seed++) {
        const xs = elements(n, seed * 100 + n);
        const want = wasm.F.toObject(wasm(xs));
        expect(poseidon(xs), `Poseidon(${n}), seed ${seed}`).toBe(want);
        expect(reference.F.toObject(reference(xs)), "circomlibjs's two implementations").toBe(want);
      }
  });

  it("equals circomlibjs on the whole output state with an initial state (PoseidonEx(16, 17))", () => {
    const xs = elements(16, 7);
    const init = 12345678901234567890n;
    const got = permute(VALUES, xs, init, 17, () => "");
    const want = wasm(xs, init, 17).map((x) => wasm.F.toObject(x));
    expect(got).toEqual(want);
  });

  it("reduces its inputs mod p (as the circuit's signals are)", () => {
    const xs = [P + 5n, -1n];
    expect(poseidon(xs)).toBe(wasm.F.toObject(wasm([5n, P - 1n])));
  });

  it("refuses widths circomlib does not have", () => {
    expect(() => poseidon([])).toThrow(/Poseidon of 0 inputs/);
    expect(() => poseidon(elements(17, 1))).toThrow(/Poseidon of 17 inputs/);
  });
});

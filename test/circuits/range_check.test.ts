/**
 * RangeCheck(n): in ∈ [0, 2^n).                 Constraints: --O2 n, --O1 n + 1.
 * RangeCheckSigned(N): in ∈ [-2^(N-1), 2^(N-1)). Constraints: --O2 N, --O1 N + 2.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  bitsOf,
  type CompiledCircuit,
  compileTemplate,
  fieldInv,
  mutationSurvivors,
  P,
  randomIn,
  rng,
} from "./harness.js";

interface Case {
  signed: boolean;
  n: number;
  optimize: 1 | 2;
}

const CASES: Case[] = [
  { signed: false, n: 1, optimize: 2 },
  { signed: false, n: 8, optimize: 2 },
  { signed: false, n: 8, optimize: 1 },
  { signed: false, n: 252, optimize: 2 },
  { signed: true, n: 1, optimize: 2 },
  { signed: true, n: 8, optimize: 2 },
  { signed: true, n: 8, optimize: 1 },
  { signed: true, n: 252, optimize: 2 },
];

const pow2 = (e: number): bigint => 1n << BigInt(e);

function expectedConstraints(c: Case): number {
  if (c.optimize === 2) return c.n;
  return c.n + (c.signed ? 2 : 1);
}

for (const c of CASES) {
  const name = `${c.signed ? "RangeCheckSigned" : "RangeCheck"}(${c.n})`;
  const offset = c.signed ? pow2(c.n - 1) : 0n; // X = in + offset is decomposed into n bits
  const lo = -offset;
  const hi = pow2(c.n) - offset; // in range: lo <= in < hi

  /** All named signals for a claimed input x and (possibly non-canonical) bits b. */
  const assignment = (x: bigint, b: bigint[]): Record<string, bigint> => {
    const sig: Record<string, bigint> = { "main.in": x, "main.bits.in": x + offset };
    b.forEach((v, i) => {
      sig[`main.bits.out[${i}]`] = v;
    });
    return sig;
  };

  describe(`${name} --O${c.optimize}`, () => {
    let circ: CompiledCircuit;
    const next = rng(BigInt(c.n * 10 + (c.signed ? 1 : 0)));
    const inRange: bigint[] = [];
    if (c.n <= 8) for (let x = lo; x < hi; x++) inRange.push(x);
    else {
      inRange.push(lo, lo + 1n, -1n, 0n, 1n, hi - 1n, hi - 2n);
      for (let i = 0; i < 40; i++) inRange.push(randomIn(next, lo, hi));
    }
    const valid = inRange.filter((x) => x >= lo && x < hi);
    const outOfRange = [hi, hi + 1n, hi + 5n, lo - 1n, lo - 2n, hi * 2n, lo - pow2(c.n), P / 2n, P / 2n + 1n];
    if (c.n < 250) outOfRange.push(pow2(c.n + 3) + 7n, -pow2(c.n + 3));
    const witnesses: bigint[][] = [];

    beforeAll(async () => {
      circ = await compileTemplate(name, { optimize: c.optimize });
    });
    afterAll(async () => {
      await circ?.cleanup();
    });

    it(`has exactly ${expectedConstraints(c)} constraints`, () => {
      expect(circ.nConstraints).toBe(expectedConstraints(c));
    });

    it(`accepts ${c.n <= 8 ? "every" : "sampled"} in-range value and the honest witness passes`, async () => {
      for (const x of valid) {
        const w = await circ.calculate({ in: x });
        expect(circ.signed(w, "main.in")).toBe(x);
        expect((await circ.checkWitness(w)).ok, `in = ${x}`).toBe(true);
        witnesses.push(w);
      }
    });

    it("fails witness generation for values outside the range", async () => {
      for (const x of outOfRange) {
        await expect(circ.calculate({ in: x }), `in = ${x}`).rejects.toThrow(/Assert Failed/);
      }
    });

    it("rejects forged witnesses claiming an out-of-range value (bits re-encoded, top bit non-boolean)", async () => {
      const base = witnesses[0] as bigint[];
      for (const x of outOfRange) {
        const X = x + offset;
        const low = ((X % pow2(c.n)) + pow2(c.n)) % pow2(c.n);
        const b = bitsOf(low, c.n);
        // the integer sum of the bits is X; the excess is a multiple of 2^n, put on the top bit or on bit 0
        const top = b.slice();
        top[c.n - 1] = (top[c.n - 1] as bigint) + (X - low) / pow2(c.n - 1);
        const bottom = b.slice();
        bottom[0] = (bottom[0] as bigint) + (X - low);
        for (const bits of [top, bottom]) {
          const res = await circ.checkWitness(circ.forge(base, assignment(x, bits)));
          expect(res.ok, `in = ${x}`).toBe(false);
        }
      }
    });

    it("rejects non-boolean bits for in-range values", async () => {
      for (const w of witnesses.slice(0, 16)) {
        const x = circ.signed(w, "main.in");
        const hb = bitsOf(x + offset, c.n);
        const indices = c.n <= 8 ? hb.map((_, i) => i) : [0, 1, 100, c.n - 2, c.n - 1];
        for (const i of indices) {
          const b = hb.slice();
          b[i] = (b[i] as bigint) + 2n;
          if (i + 1 < c.n && b[i + 1] === 1n) b[i + 1] = 0n; // keeps the sum when possible
          const sig = assignment(x, b);
          if (!circ.changesKept(w, sig)) continue;
          expect((await circ.checkWitness(circ.forge(w, sig))).ok, `bit ${i} at in = ${x}`).toBe(false);
        }
        const half = hb.slice();
        half[0] = fieldInv(2n);
        const sig = assignment(x, half);
        if (circ.changesKept(w, sig)) expect((await circ.checkWitness(circ.forge(w, sig))).ok).toBe(false);
      }
    });

    it("rejects every single-value change of a bit (the input alone: see the out-of-range forgeries)", async () => {
      for (const w of [witnesses[0], witnesses[witnesses.length - 1]]) {
        expect(await mutationSurvivors(circ, w as bigint[], ["main.in"], 1n)).toEqual([]);
        expect(await mutationSurvivors(circ, w as bigint[], ["main.in"], P - 1n)).toEqual([]);
      }
    });
  });
}

/**
 * RangeCheck(n): in ∈ [0, 2^n).                 Constraints: --O2 n, --O1 n + 1.
 * RangeCheckSigned(N): in ∈ [-2^(N-1), 2^(N-1)). Constraints: --O2 N, --O1 N + 2.
 * Every --O2 case also runs on the direct backend: the input prim's own check (lo = 0 or -2^(N-1), N
 * bits) of a plan with one private input and nothing else (direct-plans.ts rangeCheckPlan). The exact
 * check (lo and upper, two decompositions) runs on both backends from one plan.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPlan, compileOn, expectOwnConstraints } from "./direct-harness.js";
import { rangeCheckPlan } from "./direct-plans.js";
import {
  backendsFor,
  bitsOf,
  type CompiledCircuit,
  expectForgeryGaps,
  fieldInv,
  mutationSurvivors,
  noteForgery,
  P,
  randomIn,
  rng,
  toField,
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

  const key = `${name} --O${c.optimize}`;
  describe.each(backendsFor(c.optimize))(`${key} [%s]`, (backend) => {
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
      circ = await compileOn(backend, name, () => rangeCheckPlan(c.n, c.signed), { optimize: c.optimize });
    });
    afterAll(async () => {
      await circ?.cleanup();
    });

    it(`has exactly ${expectedConstraints(c)} constraints`, () => {
      expectOwnConstraints(circ, expectedConstraints(c));
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
        const forged: [string, bigint[]][] = indices.map((i) => {
          const b = hb.slice();
          b[i] = (b[i] as bigint) + 2n;
          if (i + 1 < c.n && b[i + 1] === 1n) b[i + 1] = 0n; // keeps the sum when possible
          return [`bit ${i} non-boolean`, b];
        });
        if (c.n >= 2) {
          // the top bit + 2 (nothing above it to lower) with bit 0 keeping the sum
          const top = hb.slice();
          top[c.n - 1] = (top[c.n - 1] as bigint) + 2n;
          top[0] = (top[0] as bigint) - pow2(c.n);
          forged.push([`bit ${c.n - 1} non-boolean (sum kept by bit 0)`, top]);
        }
        const half = hb.slice();
        half[0] = fieldInv(2n);
        forged.push(["bit 0 = 1/2", half]);
        if (c.n >= 2) {
          // the same with bit 1 absorbing the change, so the bits still sum to in + offset (in the field)
          const kept = hb.slice();
          kept[1] = toField((kept[1] as bigint) + ((kept[0] as bigint) - fieldInv(2n)) * fieldInv(2n));
          kept[0] = fieldInv(2n);
          forged.push(["bit 0 = 1/2 (sum kept by bit 1)", kept]);
        }
        let tried = 0;
        for (const [what, b] of forged) {
          const sig = assignment(x, b);
          if (!circ.changesKept(w, sig)) continue;
          tried++;
          noteForgery(key, backend, what);
          expect((await circ.checkWitness(circ.forge(w, sig))).ok, `${what} at in = ${x}`).toBe(false);
        }
        expect(tried, `forgeries tried at in = ${x}`).toBeGreaterThanOrEqual(Math.min(c.n, 5) - 1);
      }
      // A change of one bit that breaks the bits' sum is a forgery only where that bit is a wire: circom
      // eliminates the top bit (its recomposition's signal), the direct backend bit 0. So "bit 0 = 1/2"
      // is tried on circom only and "bit n-1 non-boolean" on direct only; their forms with the sum kept
      // ("sum kept by bit 1", "sum kept by bit 0") are tried on both.
      expectForgeryGaps(
        key,
        backend,
        c.n >= 2 ? { circomOnly: ["bit 0 = 1/2"], directOnly: [`bit ${c.n - 1} non-boolean`] } : {},
      );
    });

    it("rejects every single-value change of a bit (the input alone: see the out-of-range forgeries)", async () => {
      for (const w of [witnesses[0], witnesses[witnesses.length - 1]]) {
        expect(await mutationSurvivors(circ, w as bigint[], ["main.in"], 1n)).toEqual([]);
        expect(await mutationSurvivors(circ, w as bigint[], ["main.in"], P - 1n)).toEqual([]);
      }
    });
  });
}

/**
 * The exact input check (--input-check exact): x − lo ∈ [0, 2^n) and upper − x ∈ [0, 2^n), so exactly
 * [lo, upper]; 2n constraints. No template of its own (two RangeChecks), so both backends build it from
 * one plan: circom compiles the plan's emitted Circom, the direct backend writes its rows.
 */
const EXACT: { n: number; signed: boolean; upper: bigint }[] = [
  { n: 4, signed: false, upper: 10n },
  { n: 8, signed: true, upper: 100n },
  { n: 1, signed: false, upper: 0n },
];

for (const e of EXACT) {
  const lo = e.signed ? -pow2(e.n - 1) : 0n;
  const key = `exact input check [${lo}, ${e.upper}] in ${e.n} bits`;
  /** The input x with the lower check's bits `b` and the upper check's bits `u` (possibly non-canonical). */
  const assignment = (x: bigint, b: bigint[], u: bigint[]): Record<string, bigint> => {
    const sig: Record<string, bigint> = { "main.in": x };
    b.forEach((v, i) => {
      sig[`main.bits.out[${i}]`] = v;
    });
    u.forEach((v, i) => {
      sig[`main.upper.bits.out[${i}]`] = v;
    });
    return sig;
  };
  /** n "bits" summing to v: canonical inside [0, 2^n), else the excess on the top bit or on bit 0. */
  const encodings = (v: bigint): bigint[][] => {
    const m = ((v % pow2(e.n)) + pow2(e.n)) % pow2(e.n);
    const b = bitsOf(m, e.n);
    if (m === v) return [b];
    const top = b.slice();
    top[e.n - 1] = (top[e.n - 1] as bigint) + (v - m) / pow2(e.n - 1);
    const bottom = b.slice();
    bottom[0] = (bottom[0] as bigint) + (v - m);
    return [top, bottom];
  };
  const valid: bigint[] = [];
  for (let x = lo; x <= e.upper; x++) valid.push(x);
  // above upper but inside the lower check's power-of-two range, and below lo
  const outside: bigint[] = [lo - 2n, lo - 1n];
  for (let x = e.upper + 1n; x < lo + pow2(e.n); x++) outside.push(x);
  outside.push(lo + pow2(e.n), P / 2n);

  describe.each(backendsFor())(`${key} [%s]`, (backend) => {
    let circ: CompiledCircuit;
    const witnesses: bigint[][] = [];
    beforeAll(async () => {
      circ = await buildPlan(backend, rangeCheckPlan(e.n, e.signed, e.upper));
    });
    afterAll(async () => {
      await circ?.cleanup();
    });

    it(`has exactly ${2 * e.n} constraints`, () => {
      expectOwnConstraints(circ, 2 * e.n);
    });

    it("accepts every value of [lo, upper] and the honest witness passes; fails on every other", async () => {
      for (const x of valid) {
        const w = await circ.calculate({ in: x });
        expect(circ.signed(w, "main.in")).toBe(x);
        expect((await circ.checkWitness(w)).ok, `in = ${x}`).toBe(true);
        witnesses.push(w);
      }
      for (const x of outside) {
        await expect(circ.calculate({ in: x }), `in = ${x}`).rejects.toThrow(/Assert Failed/);
      }
    });

    it("rejects forged witnesses claiming a value outside [lo, upper] (either check's bits re-encoded)", async () => {
      const base = witnesses[0] as bigint[];
      let tried = 0;
      for (const x of outside) {
        for (const b of encodings(x - lo))
          for (const u of encodings(e.upper - x)) {
            const sig = assignment(x, b, u);
            tried++;
            expect((await circ.checkWitness(circ.forge(base, sig))).ok, `in = ${x}`).toBe(false);
          }
      }
      expect(tried).toBeGreaterThanOrEqual(outside.length);
    });

    it("rejects every single-value change of a bit", async () => {
      for (const w of [witnesses[0], witnesses[witnesses.length - 1]]) {
        expect(await mutationSurvivors(circ, w as bigint[], ["main.in"], 1n)).toEqual([]);
        expect(await mutationSurvivors(circ, w as bigint[], ["main.in"], P - 1n)).toEqual([]);
      }
    });
  });
}

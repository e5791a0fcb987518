/**
 * FloorDiv(QLO, NQ, NR): q = floor(num / den) for den ∈ [1, 2^NR], q ∈ [QLO, QLO + 2^NQ).
 * Constraints: --O2 NQ + 2·NR + 1; --O1 NQ + 2·NR + 6.
 * Every --O2 case also runs on the direct backend: the div prim { qlo, qBits, rBits } of two inputs
 * (direct-plans.ts floorDivPlan). The constant-divisor form (constDen, NQ + 2·NR) has no template of its
 * own: both backends build it from one plan.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { floorDiv } from "../../src/3-lower/prims/div.js";
import {
  buildDirect,
  buildPlan,
  compileOn,
  expectOwnConstraints,
  PlanMaker,
  type PlanSpec,
  primRejects,
  renamer,
} from "./direct-harness.js";
import { floorDivPlan } from "./direct-plans.js";
import {
  backendsFor,
  bitsOf,
  type CompiledCircuit,
  compileMain,
  compileTemplate,
  expectForgeryGaps,
  mutationSurvivors,
  noteForgery,
  P,
  randomIn,
  rng,
  toField,
} from "./harness.js";

const pow2 = (e: number): bigint => 1n << BigInt(e);

interface Case {
  QLO: bigint;
  NQ: number;
  NR: number;
  optimize: 1 | 2;
  /** Random (num, den) pairs instead of every pair of a small grid. */
  random?: number;
}

const CASES: Case[] = [
  { QLO: -8n, NQ: 4, NR: 3, optimize: 2 },
  { QLO: 0n, NQ: 3, NR: 2, optimize: 2 },
  { QLO: 5n, NQ: 2, NR: 1, optimize: 2 },
  { QLO: -3n, NQ: 3, NR: 2, optimize: 1 },
  { QLO: -(pow2(60) + 12345n), NQ: 100, NR: 80, optimize: 2, random: 60 },
  { QLO: 0n, NQ: 125, NR: 125, optimize: 2, random: 40 },
];

function expectedConstraints(c: Case): number {
  return c.NQ + 2 * c.NR + (c.optimize === 2 ? 1 : 6);
}

/** n "bits" whose weighted sum is exactly v: canonical when v ∈ [0, 2^n), else bit 0 absorbs the rest. */
function bitsSumming(v: bigint, n: number): bigint[] {
  const m = ((v % pow2(n)) + pow2(n)) % pow2(n);
  const b = bitsOf(m, n);
  b[0] = (b[0] as bigint) + (v - m);
  return b;
}

/** Every named signal of FloorDiv for hints (qq, r), with the bit vectors chosen to sum to the hints. */
function assignment(c: Case, num: bigint, den: bigint, qq: bigint, r: bigint): Record<string, bigint> {
  const sig: Record<string, bigint> = {
    "main.num": num,
    "main.den": den,
    "main.q": qq + c.QLO,
    "main.qq": qq,
    "main.r": r,
    "main.qBits.in": qq,
    "main.rBits.in": r,
    "main.gapBits.in": den - 1n - r,
  };
  const put = (name: string, bits: bigint[]) => {
    bits.forEach((b, i) => {
      sig[`main.${name}.out[${i}]`] = b;
    });
  };
  put("qBits", bitsSumming(qq, c.NQ));
  put("rBits", bitsSumming(r, c.NR));
  put("gapBits", bitsSumming(den - 1n - r, c.NR));
  return sig;
}

function honest(c: Case, num: bigint, den: bigint): Record<string, bigint> {
  const q = floorDiv(num, den);
  return assignment(c, num, den, q - c.QLO, num - q * den);
}

/** Forged assignments for (num, den): each must be rejected. */
function forgeries(c: Case, num: bigint, den: bigint): [string, Record<string, bigint>][] {
  const h = honest(c, num, den);
  const qq = h["main.qq"] as bigint;
  const r = h["main.r"] as bigint;
  const list: [string, Record<string, bigint>][] = [
    ["q + 1 alone", { ...h, "main.q": (h["main.q"] as bigint) + 1n }],
    ["q - 1 alone", { ...h, "main.q": (h["main.q"] as bigint) - 1n }],
    // the same num = q·den + r, other (q, r): only the remainder checks can reject these
    ["q + 1 with r - den", assignment(c, num, den, qq + 1n, r - den)],
    ["q - 1 with r + den (r >= den)", assignment(c, num, den, qq - 1n, r + den)],
    ["q + 2 with r - 2·den", assignment(c, num, den, qq + 2n, r - 2n * den)],
    ["q - 2 with r + 2·den", assignment(c, num, den, qq - 2n, r + 2n * den)],
  ];
  // canonical q bits with a non-boolean pair (same sum): booleanity must reject
  if (c.NQ >= 2) {
    const f = honest(c, num, den);
    const b0 = f["main.qBits.out[0]"] as bigint;
    const b1 = f["main.qBits.out[1]"] as bigint;
    if (b1 === 1n) {
      list.push([
        "q bits non-boolean (same sum)",
        { ...f, "main.qBits.out[0]": b0 + 2n, "main.qBits.out[1]": 0n },
      ]);
    }
  }
  // a remainder bit 1/2 (field), its sum kept by bit 0
  const half = (P + 1n) / 2n;
  const rb = bitsOf(r, c.NR);
  if (c.NR >= 2) {
    list.push([
      "r bit 1 = 1/2",
      {
        ...h,
        "main.rBits.out[1]": toField(half + (rb[1] as bigint)),
        "main.rBits.out[0]": toField((rb[0] as bigint) - 1n),
      },
    ]);
  }
  return list;
}

function pairsFor(c: Case): [bigint, bigint][] {
  const dmax = pow2(c.NR);
  const qmax = c.QLO + pow2(c.NQ) - 1n;
  if (c.random === undefined) {
    const out: [bigint, bigint][] = [];
    // one step beyond the valid quotient range on each side, to see the out-of-range failures too
    for (let den = 1n; den <= dmax; den++) {
      for (let num = (c.QLO - 1n) * den; num < (qmax + 2n) * den; num++) out.push([num, den]);
    }
    return out;
  }
  const next = rng(BigInt(c.NQ * 1000 + c.NR));
  const out: [bigint, bigint][] = [
    [c.QLO, 1n],
    [qmax * dmax + dmax - 1n, dmax],
    [c.QLO * dmax, dmax],
  ];
  for (let i = 0; i < c.random; i++) {
    const den = randomIn(next, 1n, dmax + 1n);
    const q = randomIn(next, c.QLO, qmax + 1n);
    out.push([q * den + randomIn(next, 0n, den), den]);
  }
  return out;
}

const inRange = (c: Case, num: bigint, den: bigint): boolean => {
  const q = floorDiv(num, den);
  return den >= 1n && den <= pow2(c.NR) && q >= c.QLO && q < c.QLO + pow2(c.NQ);
};

/** Signed bits of the direct plan's num check: every num the test feeds, (|QLO| + 2^NQ + 2)·2^NR. */
const numBits = (c: Case) => (c.QLO < 0n ? -c.QLO : c.QLO).toString(2).length + Math.max(c.NQ, 1) + c.NR + 3;

for (const c of CASES) {
  const key = `FloorDiv(${c.QLO}, ${c.NQ}, ${c.NR}) --O${c.optimize}`;
  describe.each(backendsFor(c.optimize))(`${key} [%s]`, (backend) => {
    let circ: CompiledCircuit;
    const pairs = pairsFor(c);
    const witnesses = new Map<string, bigint[]>();

    beforeAll(async () => {
      const spec = () => floorDivPlan(c.QLO, c.NQ, c.NR, numBits(c));
      circ = await compileOn(backend, `FloorDiv(${c.QLO}, ${c.NQ}, ${c.NR})`, spec, { optimize: c.optimize });
    });
    afterAll(async () => {
      await circ?.cleanup();
    });

    it(`has exactly ${expectedConstraints(c)} constraints`, () => {
      expectOwnConstraints(circ, expectedConstraints(c));
    });

    it(`computes floorDiv on ${c.random === undefined ? "every" : pairs.length} (num, den) and fails outside the quotient range`, async () => {
      let valid = 0;
      for (const [num, den] of pairs) {
        if (!inRange(c, num, den)) {
          // num and den are inside the direct plan's input checks: its prim alone rejects these
          await expect(circ.calculate({ num, den }), `num = ${num}, den = ${den}`).rejects.toThrow(
            primRejects(backend),
          );
          continue;
        }
        valid++;
        const w = await circ.calculate({ num, den });
        expect(circ.signed(w, "main.q"), `num = ${num}, den = ${den}`).toBe(floorDiv(num, den));
        if (witnesses.size < 40) {
          for (const [name, v] of Object.entries(honest(c, num, den))) {
            if (circ.symbols.has(name))
              expect(circ.get(w, name), `${name} at ${num} / ${den}`).toBe(toField(v));
          }
          expect((await circ.checkWitness(w)).ok, `honest witness at ${num} / ${den}`).toBe(true);
          witnesses.set(`${num}/${den}`, w);
        }
      }
      expect(valid).toBeGreaterThan(c.random === undefined ? 10 : c.random / 2);
    });

    it("rejects forged witnesses: q ± 1 alone, (q ± k, r ∓ k·den), r >= den, non-boolean bits", async () => {
      let n = 0;
      for (const [key, w] of witnesses) {
        const [num, den] = key.split("/").map(BigInt) as [bigint, bigint];
        let tried = 0;
        for (const [what, sig] of forgeries(c, num, den)) {
          if (!circ.changesKept(w, sig)) continue;
          tried++;
          noteForgery(key, backend, what);
          expect((await circ.checkWitness(circ.forge(w, sig))).ok, `${what} at ${num} / ${den}`).toBe(false);
        }
        expect(tried, `forgeries at ${num} / ${den}`).toBeGreaterThanOrEqual(6);
        if (++n >= 25) break;
      }
      expect(n).toBeGreaterThan(0);
      expectForgeryGaps(key, backend);
    });

    it("rejects every single-value change of a non-input signal", async () => {
      const sample = [...witnesses.values()].slice(0, 3);
      for (const w of sample) {
        expect(await mutationSurvivors(circ, w, ["main.num", "main.den"], 1n)).toEqual([]);
        expect(await mutationSurvivors(circ, w, ["main.num", "main.den"], P - 1n)).toEqual([]);
      }
    });

    // den ∈ (2^NR, 2^(NR+1)) can still satisfy the checks (and the quotient is still exact, see the
    // template's soundness note); 0, negative and >= 2^(NR+1) cannot.
    it("fails witness generation for a divisor of 0, negative, or >= 2^(NR+1)", async () => {
      for (const den of [0n, -1n, -pow2(c.NR), pow2(c.NR + 1), pow2(c.NR + 1) + 5n]) {
        await expect(circ.calculate({ num: c.QLO * 2n, den }), `den = ${den}`).rejects.toThrow();
      }
    });
  });
}

describe("FloorDiv parameters are checked at compile time (field safety)", () => {
  const bad = [
    "FloorDiv(0, 0, 3)",
    "FloorDiv(0, 3, 0)",
    "FloorDiv(0, 126, 125)", // 126 + 125 + 0 + 2 = 253
    `FloorDiv(${-pow2(100)}, 100, 50)`, // 100 + 50 + bits(2^100) = 101, + 2 = 253
  ];
  for (const t of bad) {
    it(`${t} does not compile`, async () => {
      await expect(compileTemplate(t)).rejects.toThrow(/False assert reached/);
    });
  }
  it(`FloorDiv(${-pow2(100)}, 100, 49) (252 bits exactly) compiles`, async () => {
    const c = await compileTemplate(`FloorDiv(${-pow2(100)}, 100, 49)`);
    expect(c.nConstraints).toBe(100 + 2 * 49 + 1);
    await c.cleanup();
  });
});

/**
 * The direct form of the same circuit: inputs a ∈ [-7, 9), b ∈ [1, 33), num = 16a + b and den = 2b affine
 * maps (free), the div prim reading them.
 */
function linearPlan(): PlanSpec {
  const m = new PlanMaker();
  const a = m.input("a", 1, { lo: -7n, bits: 4 });
  const b = m.input("b", 1, { lo: 1n, bits: 5 });
  const row = (coef: bigint[]) => ({ idx: Int32Array.of(0, 1), coef });
  const num = m.prim({ kind: "affine", ins: [a, b], rows: [row([16n, 1n])], bias: [0n] }, 1);
  const den = m.prim({ kind: "affine", ins: [a, b], rows: [row([0n, 2n])], bias: [0n] }, 1);
  const q = m.prim({ kind: "div", num, den, qlo: [-64n], qBits: [8], rBits: [6] }, 1);
  m.output(q);
  return {
    plan: m.plan,
    helpers: m.helpers,
    feed: (input) => [[BigInt(input.a as bigint)], [BigInt(input.b as bigint)]],
    rename: renamer("main", { "main.y": "main.out_y[0]" }),
  };
}

const LINEAR = "FloorDiv fed with linear combinations (as the model emitter does)";
describe.each(backendsFor())(`${LINEAR} [%s]`, (backend) => {
  // num = 2·a·2^3 + b and den = 2·b: round(a·2^3 / b) for b >= 1 (the Div op's construction)
  let circ: CompiledCircuit;
  beforeAll(async () => {
    if (backend === "direct") {
      circ = await buildDirect(linearPlan());
      return;
    }
    circ = await compileMain(`pragma circom 2.1.0;
include "zkmlc/zkmlc.circom";
template T() {
    signal input a;
    signal input b;
    signal output y;
    component d = FloorDiv(-64, 8, 6);
    d.num <== 16 * a + b;
    d.den <== 2 * b;
    y <== d.q;
}
component main = T();
`);
  });
  afterAll(async () => {
    await circ?.cleanup();
  });
  it("keeps the count NQ + 2·NR + 1 and rounds half up", async () => {
    expectOwnConstraints(circ, 8 + 12 + 1);
    for (let a = -7n; a <= 7n; a++) {
      for (let b = 1n; b <= 31n; b++) {
        const w = await circ.calculate({ a, b });
        expect(circ.signed(w, "main.y"), `${a}·8 / ${b}`).toBe(floorDiv(16n * a + b, 2n * b));
      }
    }
  });
});

/**
 * A constant divisor (the div prim's constDen form, the one ops emit when the divisor is a constant
 * signal): num = q·den + r is then linear, so NQ + 2·NR constraints. Both backends build the plan.
 */
const CONST_DEN: (Case & { den: bigint })[] = [
  { QLO: -8n, NQ: 4, NR: 3, den: 5n, optimize: 2 },
  { QLO: 0n, NQ: 3, NR: 4, den: 8n, optimize: 2 },
  { QLO: -3n, NQ: 2, NR: 1, den: 1n, optimize: 2 },
];

for (const c of CONST_DEN) {
  const key = `FloorDiv(${c.QLO}, ${c.NQ}, ${c.NR}) by the constant ${c.den}`;
  const nums: bigint[] = [];
  for (let num = (c.QLO - 1n) * c.den; num < (c.QLO + pow2(c.NQ) + 1n) * c.den; num++) nums.push(num);
  describe.each(backendsFor())(`${key} [%s]`, (backend) => {
    let circ: CompiledCircuit;
    const witnesses = new Map<bigint, bigint[]>();
    beforeAll(async () => {
      circ = await buildPlan(backend, floorDivPlan(c.QLO, c.NQ, c.NR, numBits(c), c.den));
    });
    afterAll(async () => {
      await circ?.cleanup();
    });

    it(`has exactly ${c.NQ + 2 * c.NR} constraints`, () => {
      expectOwnConstraints(circ, c.NQ + 2 * c.NR);
    });

    it("computes floorDiv on every num and fails outside the quotient range", async () => {
      for (const num of nums) {
        if (!inRange(c, num, c.den)) {
          await expect(circ.calculate({ num }), `num = ${num}`).rejects.toThrow(primRejects(backend));
          continue;
        }
        const w = await circ.calculate({ num });
        expect(circ.signed(w, "main.q"), `num = ${num}`).toBe(floorDiv(num, c.den));
        for (const [name, v] of Object.entries(honest(c, num, c.den))) {
          if (circ.symbols.has(name)) expect(circ.get(w, name), `${name} at ${num}`).toBe(toField(v));
        }
        expect((await circ.checkWitness(w)).ok, `honest witness at ${num}`).toBe(true);
        witnesses.set(num, w);
      }
      expect(witnesses.size).toBe(Number(pow2(c.NQ) * c.den));
    });

    it("rejects forged witnesses: q ± 1 alone, (q ± k, r ∓ k·den), r >= den, non-boolean bits", async () => {
      for (const [num, w] of [...witnesses].filter((_, i) => i % 3 === 0)) {
        let tried = 0;
        for (const [what, sig] of forgeries(c, num, c.den)) {
          if (!circ.changesKept(w, sig)) continue;
          tried++;
          noteForgery(key, backend, what);
          expect((await circ.checkWitness(circ.forge(w, sig))).ok, `${what} at ${num}`).toBe(false);
        }
        expect(tried, `forgeries at ${num}`).toBeGreaterThanOrEqual(6);
      }
      expectForgeryGaps(key, backend);
    });

    it("rejects every single-value change of a non-input signal", async () => {
      for (const w of [...witnesses.values()].slice(0, 3)) {
        expect(await mutationSurvivors(circ, w, ["main.num"], 1n)).toEqual([]);
        expect(await mutationSurvivors(circ, w, ["main.num"], P - 1n)).toEqual([]);
      }
    });
  });
}

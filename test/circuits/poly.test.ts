/**
 * The generated piecewise-polynomial template (src/3-lower/prims/poly.ts polyTemplate) against its integer
 * specification (src/3-lower/prims/poly.ts polyValue): exact constraint count B + monomials + Horner
 * products (ir.ts primConstraints), the output on every input of the decomposed range, and forged
 * witnesses (wrong output, monomials, products, segment bits, non-boolean bits) rejected.
 * Every case also runs on the direct backend: the poly prim in a one-prim plan (direct-plans.ts polyPlan).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PolyPrim } from "../../src/3-lower/ir.js";
import {
  hornerProducts,
  polyTemplate,
  polyValue,
  selectionCoefficients,
} from "../../src/3-lower/prims/poly.js";
import { fitSegments } from "../../src/3-lower/prims/poly-fit.js";
import { primConstraints } from "../../src/3-lower/prims/registry.js";
import { buildDirect, expectOwnConstraints } from "./direct-harness.js";
import { polyPlan } from "./direct-plans.js";
import {
  backendsFor,
  bitsOf,
  type CompiledCircuit,
  compileMain,
  expectForgeryGaps,
  fieldInv,
  mutationSurvivors,
  noteForgery,
  P,
  toField,
} from "./harness.js";

type Poly = Pick<PolyPrim, "lo" | "segBits" | "offBits" | "coef">;

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** A fitted poly (as approx builds them) on [lo, lo + 2^(segBits+offBits)). */
function fitted(
  f: (x: number) => number,
  lo: bigint,
  segBits: number,
  offBits: number,
  degree: number,
): Poly {
  const count = 1n << BigInt(segBits + offBits);
  const fit = fitSegments(f, { lo, count, inScale: 3, segBits, offBits, degree, outScale: 6 });
  return { lo, segBits, offBits, coef: fit.coef };
}

interface Case {
  name: string;
  poly: Poly;
  /** Expected monomials and Horner products (the formula's parts, checked against the helpers). */
  monomials: number;
  products: number;
  /** Constraints beyond the formula: a constant output of `main` keeps its one linear constraint. */
  extra?: number;
  /**
   * Forgeries the two backends do not both try, because each changes only a signal one of them
   * eliminates (forgeryGaps; each has a form tried on both): the last Horner product alone (the direct
   * backend keeps `out` a wire and eliminates that product; "output following" is its form on both),
   * a monomial the direct backend's output equation eliminates (same), bit 0 with the bits' sum broken
   * where nothing reads bit 0 (degree 0; the direct backend eliminates bit 0; "sum kept by bit 1" on
   * both), a segment bit flipped with the sum broken (circom eliminates that bit; "sum kept" on both).
   */
  gaps?: { circomOnly?: string[]; directOnly?: string[] };
}

const CASES: Case[] = [
  // generic tables: every monomial of the segment bits, one product per Horner step
  {
    name: "sigmoid, 4 segments, degree 2",
    poly: fitted(sigmoid, -40n, 2, 4, 2),
    monomials: 1,
    products: 2,
    gaps: { circomOnly: ["main.h1 + 1"] },
  },
  {
    name: "tanh, 8 segments, degree 3",
    poly: fitted(Math.tanh, -70n, 3, 4, 3),
    monomials: 4,
    products: 3,
    gaps: { circomOnly: ["main.h2 + 1"] },
  },
  { name: "exp, one segment, degree 2", poly: fitted(Math.exp, -20n, 0, 5, 2), monomials: 0, products: 1 },
  // hand-made tables: a top coefficient equal in every segment (its product is linear), coefficients that
  // depend on one segment bit only (no monomials), degree 0 (a lookup), negative values
  {
    name: "segment-independent top coefficient",
    poly: {
      lo: -9n,
      segBits: 2,
      offBits: 3,
      coef: [
        [5n, -3n, 7n],
        [1n, 2n, 7n],
        [-4n, 0n, 7n],
        [6n, 9n, 7n],
      ],
    },
    monomials: 1,
    products: 1,
    gaps: { circomOnly: ["main.h0 + 1"] },
  },
  {
    name: "coefficients selected by one bit",
    poly: {
      lo: 3n,
      segBits: 2,
      offBits: 2,
      coef: [
        [1n, 2n],
        [1n, -5n],
        [1n, 2n],
        [1n, -5n],
      ],
    },
    monomials: 0,
    products: 1,
    gaps: { directOnly: ["segment bit 1 flipped"] },
  },
  {
    name: "piecewise constant (degree 0)",
    poly: { lo: -6n, segBits: 3, offBits: 1, coef: [[-3n], [0n], [11n], [4n], [4n], [-7n], [2n], [1n]] },
    monomials: 4,
    products: 0,
    gaps: { circomOnly: ["main.mono[3] + 1", "bit 0 = 1/2"] },
  },
  {
    name: "constant polynomial",
    poly: {
      lo: 0n,
      segBits: 1,
      offBits: 2,
      coef: [
        [0n, 0n],
        [0n, 0n],
      ],
    },
    monomials: 0,
    products: 0,
    // out === 0 is linear, but --O2 cannot substitute away an output of main (in a model it feeds the
    // next prim as a constant and is substituted)
    extra: 1,
    gaps: { circomOnly: ["bit 0 = 1/2"], directOnly: ["segment bit 0 flipped"] },
  },
];

const bitsOfPoly = (p: Poly) => p.segBits + p.offBits;

function source(p: Poly): string {
  const prim: PolyPrim = {
    kind: "poly",
    out: 1,
    in: 0,
    ...p,
    monomials: selectionCoefficients(p.coef).monomials,
  };
  return [
    "pragma circom 2.1.0;",
    'include "zkmlc/zkmlc.circom";',
    "",
    ...polyTemplate(prim, "t"),
    "",
    "component main = Poly_t();",
    "",
  ].join("\n");
}

/**
 * Every signal of the template for input x computed from a (possibly non-canonical) bit vector, the way
 * the template does: monomials of the segment bits, the selected coefficients, Horner with product signals
 * where the accumulator is not constant.
 */
function assignment(p: Poly, x: bigint, b: bigint[]): Record<string, bigint> {
  const w = p.offBits;
  const d = (p.coef[0]?.length ?? 1) - 1;
  const { lambda, monomials } = selectionCoefficients(p.coef);
  const sig: Record<string, bigint> = { "main.in": x, "main.u.in": x - p.lo };
  b.forEach((v, i) => {
    sig[`main.u.out[${i}]`] = v;
  });
  const seg = (i: number) => b[w + i] as bigint;
  const mono = (m: number): bigint => {
    let v = 1n;
    for (let i = 0; i < p.segBits; i++) if (m & (1 << i)) v *= seg(i);
    return v;
  };
  monomials.forEach((m, k) => {
    sig[`main.mono[${k}]`] = mono(m);
  });
  let t = 0n;
  for (let i = 0; i < w; i++) t += (b[i] as bigint) << BigInt(i);
  const coefAt = (j: number) => (lambda[j] ?? []).reduce((s, l, m) => s + l * mono(m), 0n);
  const varies = (j: number) => (lambda[j] ?? []).some((l, m) => m !== 0 && l !== 0n);
  const zero = (j: number) => (lambda[j] ?? []).every((l) => l === 0n);
  let acc = coefAt(d);
  let accVaries = varies(d);
  let accZero = zero(d);
  let h = 0;
  for (let j = d - 1; j >= 0; j--) {
    const prod = t * acc;
    if (accVaries) sig[`main.h${h++}`] = prod;
    acc = (coefAt(j) << BigInt(w * (d - j))) + prod;
    accVaries = varies(j) || !accZero;
    accZero = accZero && zero(j);
  }
  sig["main.out"] = acc;
  return sig;
}

const honestBits = (p: Poly, x: bigint) => bitsOf(x - p.lo, bitsOfPoly(p));

/** Forged assignments for input x: each must be rejected by the constraints. */
function forgeries(p: Poly, x: bigint): [string, Record<string, bigint>][] {
  const B = bitsOfPoly(p);
  const w = p.offBits;
  const hb = honestBits(p, x);
  const honest = assignment(p, x, hb);
  const out = honest["main.out"] as bigint;
  const withBits = (f: (b: bigint[]) => void): Record<string, bigint> => {
    const b = hb.slice();
    f(b);
    return assignment(p, x, b);
  };
  const list: [string, Record<string, bigint>][] = [
    ["out + 1", { ...honest, "main.out": out + 1n }],
    ["out - 1", { ...honest, "main.out": out - 1n }],
  ];
  for (const name of Object.keys(honest).filter((n) => /^main\.(mono\[\d+\]|h\d+)$/.test(n))) {
    const v = honest[name] as bigint;
    list.push([`${name} + 1 (output following)`, { ...honest, [name]: v + 1n, "main.out": out + 1n }]);
    list.push([`${name} + 1`, { ...honest, [name]: v + 1n }]);
  }
  // another segment claimed: a segment bit flipped with everything downstream consistent with it, the
  // input kept by moving the difference into bit 0 (non-boolean), or not kept at all
  for (let i = 0; i < p.segBits; i++) {
    const flip = 1n - (hb[w + i] as bigint);
    list.push([
      `segment bit ${i} flipped, sum kept`,
      withBits((b) => {
        b[w + i] = flip;
        b[0] = (b[0] as bigint) - (flip === 1n ? 1n : -1n) * (1n << BigInt(w + i));
      }),
    ]);
    list.push([
      `segment bit ${i} flipped`,
      withBits((b) => {
        b[w + i] = flip;
      }),
    ]);
  }
  // non-boolean bits keeping the sum, and 1/2
  for (let i = 0; i + 1 < B; i++) {
    if (hb[i + 1] !== 1n) continue;
    list.push([
      `bit ${i} = ${(hb[i] as bigint) + 2n}, bit ${i + 1} = 0`,
      withBits((b) => {
        b[i] = (b[i] as bigint) + 2n;
        b[i + 1] = 0n;
      }),
    ]);
  }
  list.push([
    "bit 0 = 1/2",
    withBits((b) => {
      b[0] = fieldInv(2n);
    }),
  ]);
  // the same with bit 1 absorbing the change, so the bits still sum to in − lo (in the field)
  list.push([
    "bit 0 = 1/2 (sum kept by bit 1)",
    withBits((b) => {
      b[1] = toField((b[1] as bigint) + ((b[0] as bigint) - fieldInv(2n)) * fieldInv(2n));
      b[0] = fieldInv(2n);
    }),
  ]);
  return list;
}

for (const c of CASES) {
  const key = `Poly template: ${c.name}`;
  describe.each(backendsFor())(`${key} [%s]`, (backend) => {
    const B = bitsOfPoly(c.poly);
    const inputs = Array.from({ length: 2 ** B }, (_, u) => c.poly.lo + BigInt(u));
    let circ: CompiledCircuit;
    const witnesses = new Map<bigint, bigint[]>();

    beforeAll(async () => {
      circ = backend === "circom" ? await compileMain(source(c.poly)) : await buildDirect(polyPlan(c.poly));
    });
    afterAll(async () => {
      await circ?.cleanup();
    });

    it("has exactly B + monomials + products constraints, as primConstraints counts them", () => {
      const { monomials } = selectionCoefficients(c.poly.coef);
      expect(monomials.length).toBe(c.monomials);
      expect(hornerProducts(c.poly.coef)).toBe(c.products);
      const prim: PolyPrim = { kind: "poly", out: 1, in: 0, ...c.poly, monomials };
      expect(primConstraints(prim, 1)).toBe(B + c.monomials + c.products);
      // the plan's cost model misses the constant output's constraint (output-rank.ts takes a poly's
      // output for a signal of its own; backend-disagreements.test.ts): both backends have it
      expectOwnConstraints(circ, B + c.monomials + c.products + (c.extra ?? 0), c.extra ?? 0);
    });

    it(`computes polyValue on all ${2 ** B} inputs, and the honest witness passes`, async () => {
      for (const x of inputs) {
        const w = await circ.calculate({ in: x });
        expect(circ.signed(w, "main.out"), `in = ${x}`).toBe(polyValue(c.poly, x));
        // the model of the template used by the forgeries agrees with the circuit on every kept signal
        for (const [name, v] of Object.entries(assignment(c.poly, x, honestBits(c.poly, x)))) {
          if (circ.symbols.has(name)) expect(circ.signed(w, name), `${name} at in = ${x}`).toBe(v);
        }
        witnesses.set(x, w);
      }
      for (const x of inputs.filter((_, i) => i % 7 === 0)) {
        expect((await circ.checkWitness(witnesses.get(x) as bigint[])).ok, `in = ${x}`).toBe(true);
      }
    });

    it("rejects forged witnesses: output, monomials, products, segment bits, non-boolean bits", async () => {
      const sample = [
        inputs[0],
        inputs[1],
        inputs[inputs.length >> 1],
        inputs.at(-1),
        inputs[5 % inputs.length],
      ];
      for (const x of sample as bigint[]) {
        const w = witnesses.get(x) ?? (await circ.calculate({ in: x }));
        let tried = 0;
        for (const [what, sig] of forgeries(c.poly, x)) {
          // a forgery that only touches signals --O2 removed is the honest witness of this build
          if (!circ.changesKept(w, sig)) continue;
          tried++;
          noteForgery(key, backend, what);
          expect((await circ.checkWitness(circ.forge(w, sig))).ok, `${what} at in = ${x}`).toBe(false);
        }
        expect(tried, `forgeries tried at in = ${x}`).toBeGreaterThanOrEqual(3);
      }
      expectForgeryGaps(key, backend, c.gaps);
    });

    it("rejects every single-value change of a signal", async () => {
      for (const x of [inputs[0], inputs[inputs.length - 3]] as bigint[]) {
        const w = witnesses.get(x) ?? (await circ.calculate({ in: x }));
        expect(await mutationSurvivors(circ, w, ["main.in"], 1n), `in = ${x}`).toEqual([]);
        expect(await mutationSurvivors(circ, w, ["main.in"], P - 1n), `in = ${x}`).toEqual([]);
      }
    });

    it("fails witness generation for an input outside [lo, lo + 2^B)", async () => {
      // the direct backend computes its witness from the integer reference, which refuses such an
      // input itself (polyValue); the forged witnesses below show its r1cs has none either
      const noWitness = backend === "direct" ? /Assert Failed|outside its domain/ : /Assert Failed/;
      for (const x of [c.poly.lo - 1n, c.poly.lo + (1n << BigInt(B)), P / 2n]) {
        await expect(circ.calculate({ in: x }), `in = ${x}`).rejects.toThrow(noWitness);
      }
    });

    it("rejects witnesses forged for an input outside [lo, lo + 2^B) (the nearest end's hints kept)", async () => {
      const top = c.poly.lo + (1n << BigInt(B));
      for (const [x, near] of [
        [c.poly.lo - 1n, c.poly.lo],
        [c.poly.lo - 2n, c.poly.lo],
        [top, top - 1n],
        [top + 1n, top - 1n],
      ] as const) {
        const w = witnesses.get(near) as bigint[];
        expect((await circ.checkWitness(circ.forge(w, { "main.in": x }))).ok, `in = ${x}`).toBe(false);
      }
    });
  });
}

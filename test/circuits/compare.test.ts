/**
 * IsNonNeg(N): out = [in >= 0] for in ∈ [-2^(N-1), 2^(N-1)). Constraints: --O2 N, --O1 N + 2.
 * (N = 1 under --O2 keeps one signal: in is substituted by out − 1, and out·(out − 1) = 0 is all that is left.)
 * circomlib IsZero(): out = [in = 0]. Constraints: 2 (both levels).
 * Also the emitted cmp prim (src/4-emit/emit-prims.ts emitCmp over a linear combination of two tensors,
 * as the comparison ops use it) against the integer reference (src/3-lower/prims/cmp.ts evaluateCmp).
 * Every --O2 test also runs on the direct backend: the cmp prim ("nonneg" with bits [N], "zero") in a
 * one-prim plan (direct-plans.ts), and the emitted prims in a plan.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GraphNode } from "../../src/1-decode/graph.js";
import type { CmpPrim, QTensor } from "../../src/3-lower/ir.js";
import { LowerCtx, PlanBuilder } from "../../src/3-lower/lower.js";
import { cmp, cmpSpec } from "../../src/3-lower/prims/cmp.js";
import { primConstraints } from "../../src/3-lower/prims/registry.js";
import {
  buildDirect,
  compileOn,
  covering,
  expectOwnConstraints,
  planOf,
  primRejects,
  renamer,
} from "./direct-harness.js";
import { isNonNegPlan, isZeroPlan } from "./direct-plans.js";
import {
  backendsFor,
  bitsOf,
  type CompiledCircuit,
  compileMain,
  compileTemplate,
  expectForgeryGaps,
  fieldInv,
  mutationSurvivors,
  noteForgery,
  P,
  randomIn,
  rng,
  toField,
} from "./harness.js";

const pow2 = (e: number): bigint => 1n << BigInt(e);

interface Case {
  N: number;
  optimize: 1 | 2;
  /** Every input in range (small N), else this many random ones plus the edges. */
  random?: number;
}

const CASES: Case[] = [
  { N: 1, optimize: 2 },
  { N: 2, optimize: 2 },
  { N: 3, optimize: 2 },
  { N: 8, optimize: 2 },
  { N: 8, optimize: 1 },
  { N: 64, optimize: 2, random: 60 },
  { N: 252, optimize: 2, random: 60 },
];

const expectedConstraints = (N: number, optimize: 1 | 2) => (optimize === 2 ? N : N + 2);

/** Every named signal of IsNonNeg(N) for input x and a (possibly non-canonical) bit vector. */
function assignment(N: number, x: bigint, bits: bigint[]): Record<string, bigint> {
  const sig: Record<string, bigint> = {
    "main.in": x,
    "main.bits.in": x + pow2(N - 1),
    "main.out": bits[N - 1] as bigint,
  };
  bits.forEach((v, i) => {
    sig[`main.bits.out[${i}]`] = v;
  });
  return sig;
}

const honestBits = (N: number, x: bigint) => bitsOf(x + pow2(N - 1), N);

/** Forged assignments for input x: each claims the wrong answer or non-canonical bits and must be rejected. */
function forgeries(N: number, x: bigint): [string, Record<string, bigint>][] {
  const hb = honestBits(N, x);
  const s = hb[N - 1] as bigint;
  const honest = assignment(N, x, hb);
  const withBits = (f: (b: bigint[]) => void): Record<string, bigint> => {
    const b = hb.slice();
    f(b);
    return assignment(N, x, b);
  };
  const list: [string, Record<string, bigint>][] = [
    ["out flipped, bits honest", { ...honest, "main.out": 1n - s }],
    ["out = 2", { ...honest, "main.out": 2n }],
    // the sign bit flipped and bit 0 absorbing the difference so the bits still sum to x + 2^(N-1)
    [
      "sign flipped (bit 0 absorbs)",
      withBits((b) => {
        b[N - 1] = 1n - s;
        b[0] = (b[0] as bigint) + (s === 1n ? pow2(N - 1) : -pow2(N - 1));
      }),
    ],
    [
      "sign flipped (plain)",
      withBits((b) => {
        b[N - 1] = 1n - s;
      }),
    ],
    [
      "bit 0 = 1/2",
      withBits((b) => {
        b[0] = fieldInv(2n);
      }),
    ],
  ];
  if (N >= 2) {
    // bit 0 = 1/2 with bit 1 absorbing the change, so the bits still sum to x + 2^(N-1) (in the field)
    list.push([
      "bit 0 = 1/2 (sum kept by bit 1)",
      withBits((b) => {
        b[1] = toField((b[1] as bigint) + ((b[0] as bigint) - fieldInv(2n)) * fieldInv(2n));
        b[0] = fieldInv(2n);
      }),
    ]);
    list.push([
      "sign flipped (sum kept by bit N-2)",
      withBits((b) => {
        b[N - 1] = 1n - s;
        b[N - 2] = (b[N - 2] as bigint) + (s === 1n ? 2n : -2n);
      }),
    ]);
  }
  const idx = N <= 8 ? Array.from({ length: N }, (_, i) => i) : [0, 1, N >> 1, N - 2, N - 1];
  for (const i of idx) {
    list.push([
      `bit ${i} non-boolean`,
      withBits((b) => {
        b[i] = (b[i] as bigint) + 2n;
        if (i + 1 < N && b[i + 1] === 1n) b[i + 1] = 0n;
      }),
    ]);
  }
  return list;
}

function inputsFor(c: Case): bigint[] {
  const h = pow2(c.N - 1);
  if (c.random === undefined) {
    const all: bigint[] = [];
    for (let x = -h; x < h; x++) all.push(x);
    return all;
  }
  const next = rng(BigInt(c.N) + 100n);
  const xs = [-h, -h + 1n, -1n, 0n, 1n, h - 1n];
  for (let i = 0; i < c.random; i++) xs.push(randomIn(next, -h, h));
  return xs;
}

for (const c of CASES) {
  const key = `IsNonNeg(${c.N}) --O${c.optimize}`;
  describe.each(backendsFor(c.optimize))(`${key} [%s]`, (backend) => {
    let circ: CompiledCircuit;
    const xs = inputsFor(c);
    const witnesses: { x: bigint; w: bigint[] }[] = [];

    beforeAll(async () => {
      circ = await compileOn(backend, `IsNonNeg(${c.N})`, () => isNonNegPlan(c.N), { optimize: c.optimize });
    });
    afterAll(async () => {
      await circ?.cleanup();
    });

    it(`has exactly ${expectedConstraints(c.N, c.optimize)} constraints`, () => {
      expectOwnConstraints(circ, expectedConstraints(c.N, c.optimize));
    });

    it(`computes [x >= 0] on ${xs.length} inputs and the honest witnesses pass`, async () => {
      for (const x of xs) {
        const w = await circ.calculate({ in: x });
        expect(circ.signed(w, "main.out"), `x = ${x}`).toBe(x >= 0n ? 1n : 0n);
        const model = assignment(c.N, x, honestBits(c.N, x));
        for (const [name, v] of Object.entries(model)) {
          if (circ.symbols.has(name)) expect(circ.signed(w, name), `${name} at ${x}`).toBe(v);
        }
        if (witnesses.length < 24 || x === 0n || x === -1n) {
          expect((await circ.checkWitness(w)).ok, `honest witness at ${x}`).toBe(true);
          witnesses.push({ x, w });
        }
      }
    });

    it("rejects forged witnesses: flipped output or sign bit, non-boolean bits", async () => {
      if (!circ.symbols.has("main.in")) {
        // --O2 substituted the input (in = out − 1 for N = 1): changing out changes the input, so the only
        // forgeries are values of out that no in-range input has.
        const w = witnesses[0]?.w as bigint[];
        for (const [out, ok] of [
          [0n, true],
          [1n, true],
          [2n, false],
          [P - 1n, false],
          [fieldInv(2n), false],
        ] as const) {
          const f = w.slice();
          f[circ.index("main.out")] = out;
          expect((await circ.checkWitness(f)).ok, `out = ${out}`).toBe(ok);
        }
        return;
      }
      for (const { x, w } of witnesses) {
        let tried = 0;
        for (const [what, sig] of forgeries(c.N, x)) {
          if (!circ.changesKept(w, sig)) continue;
          tried++;
          noteForgery(key, backend, what);
          expect((await circ.checkWitness(circ.forge(w, sig))).ok, `${what} at ${x}`).toBe(false);
        }
        expect(tried, `forgeries tried at ${x}`).toBeGreaterThanOrEqual(Math.min(c.N + 2, 6));
      }
      // "bit 0 = 1/2" alone breaks the bits' sum through bits.out[0]: a wire of circom's build for
      // N >= 3, the direct backend's eliminated recomposition signal. Its form with the sum kept by
      // bit 1 is tried on both.
      expectForgeryGaps(key, backend, c.N >= 3 ? { circomOnly: ["bit 0 = 1/2"] } : {});
    });

    it("rejects every single-value change of a non-input signal", async () => {
      const frozen = circ.symbols.has("main.in") ? ["main.in"] : [];
      for (const { x, w } of witnesses.slice(0, 4)) {
        for (const delta of [1n, P - 1n]) {
          const survivors = await mutationSurvivors(circ, w, frozen, delta);
          // without the input in the witness, out ± 1 is another input's honest witness when it stays in {0, 1}
          const out = w[circ.index("main.out")] as bigint;
          const moved = (out + delta) % P;
          const expected =
            frozen.length === 0 && (moved === 0n || moved === 1n) ? [circ.index("main.out")] : [];
          expect(survivors, `${x} + ${delta}`).toEqual(expected);
        }
      }
    });

    it("fails witness generation for inputs outside [-2^(N-1), 2^(N-1))", async () => {
      const h = pow2(c.N - 1);
      // just outside: inside the direct plan's wider input check (N >= 2), so its prim alone rejects them
      for (const x of [h, -h - 1n]) {
        await expect(circ.calculate({ in: x }), `${x}`).rejects.toThrow(
          c.N >= 2 ? primRejects(backend) : /Assert Failed/,
        );
      }
      for (const x of [h + 5n, P / 2n]) {
        await expect(circ.calculate({ in: x }), `${x}`).rejects.toThrow(/Assert Failed/);
      }
    });
  });
}

describe("IsNonNeg parameters are checked at compile time", () => {
  for (const t of ["IsNonNeg(0)", "IsNonNeg(253)"]) {
    it(`${t} does not compile`, async () => {
      await expect(compileTemplate(t)).rejects.toThrow(/False assert reached/);
    });
  }
});

for (const optimize of [1, 2] as const) {
  describe.each(backendsFor(optimize))(`IsZero() --O${optimize} [%s]`, (backend) => {
    let circ: CompiledCircuit;
    const xs = [
      ...Array.from({ length: 33 }, (_, i) => BigInt(i - 16)),
      pow2(200),
      -pow2(200),
      P - 1n,
      P / 2n,
    ];
    const witnesses: { x: bigint; w: bigint[] }[] = [];

    beforeAll(async () => {
      circ = await compileOn(backend, "IsZero()", isZeroPlan, { optimize });
    });
    afterAll(async () => {
      await circ?.cleanup();
    });

    it("has exactly 2 constraints", () => {
      expectOwnConstraints(circ, 2);
    });

    it(`computes [x = 0] on ${xs.length} inputs and the honest witnesses pass`, async () => {
      for (const x of xs) {
        const w = await circ.calculate({ in: x });
        expect(circ.signed(w, "main.out"), `x = ${x}`).toBe(x === 0n ? 1n : 0n);
        expect((await circ.checkWitness(w)).ok, `honest witness at ${x}`).toBe(true);
        witnesses.push({ x, w });
      }
    });

    it("rejects a wrong output whatever the inverse hint", async () => {
      for (const { x, w } of witnesses) {
        const wrong = x === 0n ? 0n : 1n;
        for (const inv of [0n, 1n, fieldInv(x), fieldInv(x + 1n), P - 1n]) {
          const sig = { "main.out": wrong, "main.inv": inv };
          expect((await circ.checkWitness(circ.forge(w, sig))).ok, `out ${wrong}, inv ${inv} at ${x}`).toBe(
            false,
          );
        }
        expect(await mutationSurvivors(circ, w, ["main.in"]), `${x}`).toEqual(
          x === 0n ? [circ.index("main.inv")] : [],
        );
      }
    });
  });
}

/**
 * The cmp prim as the comparison ops use it: the input is the linear combination d = a − b − 1 of two
 * tensors with per-element bounds (Greater: d >= 0 ⟺ a > b), plus d = a − b for the zero test (Equal).
 * Some elements have bounds that already decide the result; they still cost their width and must agree.
 */
const EMITTED = "emitted cmp prims (over a linear combination of two tensors)";
describe.each(backendsFor())(`${EMITTED} [%s]`, (backend) => {
  const node: GraphNode = {
    index: 0,
    name: "c",
    opType: "Greater",
    domain: "",
    inputs: [],
    outputs: ["y"],
    attrs: new Map(),
  };
  const builder = new PlanBuilder();
  const ctx = new LowerCtx(builder, node, [], { inputScale: 0, paramScale: 0 });
  const tensor = (lo: bigint[], hi: bigint[]): QTensor =>
    builder.newTensor({
      onnxName: "x",
      shape: [lo.length],
      scale: 0,
      lo,
      hi,
      err: new Float64Array(lo.length),
    });
  // element 3: a > b always (d >= 0 known); element 4: a < b always; element 5: one value each
  const a = tensor([-8n, 0n, -100n, 10n, -5n, 3n], [7n, 3n, 100n, 20n, -1n, 3n]);
  const b = tensor([-8n, -4n, -3n, 0n, 0n, 2n], [7n, 4n, 90n, 9n, 6n, 2n]);
  const n = a.lo.length;
  const diff = (minus: bigint, name: string): QTensor =>
    ctx.affine(
      name,
      [n],
      [a, b],
      Array.from({ length: n }, (_, i) => ({ idx: Int32Array.of(i, n + i), coef: [1n, -1n] })),
      new Array(n).fill(-minus),
      0,
    );
  const d1 = diff(1n, "d1");
  const d0 = diff(0n, "d0");
  const gt = cmp(ctx, d1, "nonneg");
  const eq = cmp(ctx, d0, "zero");
  const prims = ctx.prims.filter((p): p is CmpPrim => p.kind === "cmp");
  const names = new Map([
    [d1.id, "d1"],
    [d0.id, "d0"],
  ]);
  const env = {
    tensor: (id: number) => builder.plan.tensors[id] as QTensor,
    name: (id: number) => names.get(id) ?? "?",
  };
  const source = [
    "pragma circom 2.1.0;",
    'include "zkmlc/zkmlc.circom";',
    "template M() {",
    `signal input a[${n}];`,
    `signal input b[${n}];`,
    `signal d1[${n}];`,
    `signal d0[${n}];`,
    `for (var i = 0; i < ${n}; i++) d1[i] <== a[i] - b[i] - 1;`,
    `for (var i = 0; i < ${n}; i++) d0[i] <== a[i] - b[i];`,
    `signal output gt[${n}];`,
    ...cmpSpec.circom(prims[0] as CmpPrim, "gt", env, []),
    `signal output eq[${n}];`,
    ...cmpSpec.circom(prims[1] as CmpPrim, "eq", env, []),
    "}",
    "component main = M();",
  ].join("\n");
  // the direct backend: the same prims in a plan whose inputs a, b are checked to cover their bounds
  const spec = {
    plan: planOf(
      builder.plan.tensors,
      [
        [a.id, covering(a)],
        [b.id, covering(b)],
      ],
      ctx.prims,
      [
        [gt.id, "gt"],
        [eq.id, "eq"],
      ],
    ),
    helpers: [],
    feed: (input: Record<string, unknown>) => [input.a as bigint[], input.b as bigint[]],
    rename: renamer("main", (name) =>
      /^main\.(gt|eq)\[/.test(name) ? name.replace("main.", "main.out_") : undefined,
    ),
  };
  let circ: CompiledCircuit;

  beforeAll(async () => {
    circ = backend === "circom" ? await compileMain(source) : await buildDirect(spec);
  });
  afterAll(async () => {
    await circ?.cleanup();
  });

  it("bounds: 0/1 at scale 0, decided where the input's bounds decide it", () => {
    expect(gt.scale).toBe(0);
    expect([gt.lo, gt.hi]).toEqual([
      [0n, 0n, 0n, 1n, 0n, 1n],
      [1n, 1n, 1n, 1n, 0n, 1n],
    ]);
    expect([eq.lo, eq.hi]).toEqual([
      [0n, 0n, 0n, 0n, 0n, 0n],
      [1n, 1n, 1n, 0n, 0n, 0n],
    ]);
    // d1 = a − b − 1: [-16, 14] needs 5 bits, [-5, 6] 4, [-191, 102] 9, [0, 19] 6, [-12, -2] 5, [0, 0] 1
    expect((prims[0] as CmpPrim).bits).toEqual([5, 4, 9, 6, 5, 1]);
  });

  it("costs exactly primConstraints under --O2", () => {
    expectOwnConstraints(
      circ,
      primConstraints(prims[0] as CmpPrim, n) + primConstraints(prims[1] as CmpPrim, n),
    );
    expect(circ.ownConstraints).toBe(5 + 4 + 9 + 6 + 5 + 1 + 2 * n);
  });

  it("matches evaluateCmp on inputs within the bounds (edges and random), forged outputs are rejected", async () => {
    const next = rng(7n);
    for (let t = 0; t < 40; t++) {
      const pick = (q: QTensor, i: number) => {
        const l = q.lo[i] as bigint;
        const h = q.hi[i] as bigint;
        return t < 2 ? (t === 0 ? l : h) : randomIn(next, l, h + 1n);
      };
      const as = a.lo.map((_, i) => pick(a, i));
      // ties a = b where the bounds allow, so the zero test is exercised
      const bs = b.lo.map((l, i) =>
        t % 3 === 2 && (as[i] as bigint) >= l && (as[i] as bigint) <= (b.hi[i] as bigint)
          ? (as[i] as bigint)
          : pick(b, i),
      );
      const vals: bigint[][] = [];
      vals[d1.id] = as.map((x, i) => x - (bs[i] as bigint) - 1n);
      vals[d0.id] = as.map((x, i) => x - (bs[i] as bigint));
      const wantGt = cmpSpec.evaluate(prims[0] as CmpPrim, vals);
      const wantEq = cmpSpec.evaluate(prims[1] as CmpPrim, vals);
      const w = await circ.calculate({ a: as, b: bs });
      for (let i = 0; i < n; i++) {
        const ai = as[i] as bigint;
        const bi = bs[i] as bigint;
        expect(wantGt[i], `reference a > b at ${i}`).toBe(ai > bi ? 1n : 0n);
        expect(wantEq[i], `reference a = b at ${i}`).toBe(ai === bi ? 1n : 0n);
        expect(circ.signed(w, `main.gt[${i}]`), `gt[${i}]`).toBe(wantGt[i]);
        expect(circ.signed(w, `main.eq[${i}]`), `eq[${i}]`).toBe(wantEq[i]);
      }
      if (t < 6) {
        expect((await circ.checkWitness(w)).ok).toBe(true);
        for (let i = 0; i < n; i++) {
          for (const s of ["gt", "eq"]) {
            const v = circ.signed(w, `main.${s}[${i}]`);
            const bad = circ.forge(w, { [`main.${s}[${i}]`]: 1n - v });
            expect((await circ.checkWitness(bad)).ok, `forged ${s}[${i}]`).toBe(false);
          }
        }
      }
    }
  });
});

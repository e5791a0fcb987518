/**
 * Max2(N): out = max(a, b) for a − b ∈ [-2^(N-1), 2^(N-1)). Constraints: N + 1 under --O1 and --O2 (the
 * template has no linear constraint to eliminate).
 * Also the emitted max prim (src/4-emit/emit-prims.ts emitMax: Max2 chains over rows of one or several
 * input tensors) against the integer reference (src/3-lower/prims/max.ts evaluateMax).
 * Every --O2 test also runs on the direct backend: Max2(N) as a max prim over one row [a, b]
 * (direct-plans.ts max2Plan), and the emitted prim in a plan.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GraphNode } from "../../src/1-decode/graph.js";
import type { MaxPrim, QTensor } from "../../src/3-lower/ir.js";
import { LowerCtx, PlanBuilder } from "../../src/3-lower/lower.js";
import { max, maxSpec } from "../../src/3-lower/prims/max.js";
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
import { max2Plan } from "./direct-plans.js";
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
} from "./harness.js";

interface Case {
  N: number;
  optimize: 1 | 2;
  /** Every (a, b) pair in [-2^(N-1), 2^(N-1))² with a valid difference (small N), else random pairs. */
  random?: number;
}

const CASES: Case[] = [
  { N: 2, optimize: 2 },
  { N: 3, optimize: 2 },
  { N: 5, optimize: 2 },
  { N: 6, optimize: 2 },
  { N: 5, optimize: 1 },
  { N: 64, optimize: 2, random: 60 },
  { N: 252, optimize: 2, random: 60 },
];

const pow2 = (e: number): bigint => 1n << BigInt(e);

/**
 * Every named signal of Max2(N) for inputs (a, b), low bits (possibly non-canonical) and a claimed out.
 * The sign s is not a signal: it is (D − low) / 2^(N-1), a linear expression.
 */
function assignment(a: bigint, b: bigint, bits: bigint[], out?: bigint): Record<string, bigint> {
  const sig: Record<string, bigint> = { "main.a": a, "main.b": b };
  bits.forEach((v, i) => {
    sig[`main.bits[${i}]`] = v;
  });
  sig["main.out"] = out ?? (a > b ? a : b);
  return sig;
}

function honestBits(N: number, a: bigint, b: bigint): bigint[] {
  return bitsOf(a - b + pow2(N - 1), N - 1);
}

/** Forged assignments for (a, b): each must be rejected. */
function forgeries(N: number, a: bigint, b: bigint): [string, Record<string, bigint>][] {
  const hb = honestBits(N, a, b);
  const max = a > b ? a : b;
  const min = a + b - max;
  const withBits = (f: (x: bigint[]) => void, out = max): Record<string, bigint> => {
    const x = hb.slice();
    f(x);
    return assignment(a, b, x, out);
  };
  const s = (a - b + pow2(N - 1)) >> BigInt(N - 1); // the honest sign bit
  const flip = s === 1n ? pow2(N - 1) : -pow2(N - 1); // low must grow by this for S to flip
  const list: [string, Record<string, bigint>][] = [
    ["out + 1", assignment(a, b, hb, max + 1n)],
    ["out - 1", assignment(a, b, hb, max - 1n)],
    // claims the smaller input is the max, bits left honest
    ["out = min(a, b)", assignment(a, b, hb, min)],
    // the sign flipped (S moved by 2^(N-1)) with bit 0 absorbing the change; out follows the forged sign
    [
      "sign flipped (bit 0 absorbs)",
      withBits((x) => {
        x[0] = (x[0] as bigint) + flip;
      }, min),
    ],
    [
      "bit 0 = 1/2",
      withBits((x) => {
        x[0] = fieldInv(2n);
      }),
    ],
  ];
  if (N >= 2) {
    // the sign flipped through the highest low bit moving by ±2 (the same change of low)
    list.push([
      "sign flipped (top low bit ± 2)",
      withBits((x) => {
        x[N - 2] = (x[N - 2] as bigint) + (s === 1n ? 2n : -2n);
      }, min),
    ]);
  }
  const idx = N <= 8 ? Array.from({ length: N - 1 }, (_, i) => i) : [0, 1, N >> 1, N - 3, N - 2];
  for (const i of idx) {
    list.push([
      `bit ${i} non-boolean`,
      withBits((x) => {
        x[i] = (x[i] as bigint) + 2n;
        if (i + 1 < N - 1 && x[i + 1] === 1n) x[i + 1] = 0n;
      }),
    ]);
  }
  return list;
}

function pairsFor(c: Case): [bigint, bigint][] {
  const h = pow2(c.N - 1);
  if (c.random === undefined) {
    const all: [bigint, bigint][] = [];
    for (let a = -h; a < h; a++) for (let b = -h; b < h; b++) if (a - b >= -h && a - b < h) all.push([a, b]);
    // far from zero (only the difference matters), and negative as field elements
    for (let d = -h; d < h; d++) all.push([pow2(200) + d, pow2(200)], [-pow2(200), -pow2(200) - d]);
    return all;
  }
  const next = rng(BigInt(c.N));
  const ds = [-h, -h + 1n, -1n, 0n, 1n, h - 1n];
  for (let i = 0; i < c.random; i++) ds.push(randomIn(next, -h, h));
  return ds.map((d, i) => {
    const b = i % 2 === 0 ? randomIn(next, -pow2(c.N), pow2(c.N)) : -3n;
    return [b + d, b];
  });
}

/**
 * The operands' check of the direct plan (the template assumes nothing of a and b, only of a − b): wide
 * enough for the test's pairs (around ±2^200 for small N, |b| < 2^N and a = b + d for random ones).
 */
const operandBits = (c: Case) => (c.random === undefined ? Math.max(203, c.N + 2) : c.N + 2);

for (const c of CASES) {
  const key = `Max2(${c.N}) --O${c.optimize}`;
  describe.each(backendsFor(c.optimize))(`${key} [%s]`, (backend) => {
    let circ: CompiledCircuit;
    const pairs = pairsFor(c);
    const witnesses: { a: bigint; b: bigint; w: bigint[] }[] = [];

    beforeAll(async () => {
      circ = await compileOn(backend, `Max2(${c.N})`, () => max2Plan(c.N, operandBits(c)), {
        optimize: c.optimize,
      });
    });
    afterAll(async () => {
      await circ?.cleanup();
    });

    it(`has exactly ${c.N + 1} constraints`, () => {
      expectOwnConstraints(circ, c.N + 1);
    });

    it(`computes max(a, b) on ${pairs.length} pairs and the honest witnesses pass`, async () => {
      for (const [a, b] of pairs) {
        const w = await circ.calculate({ a, b });
        expect(circ.signed(w, "main.out"), `a = ${a}, b = ${b}`).toBe(a > b ? a : b);
        // the model of the template used by the forgeries agrees with the circuit on every kept signal
        const model = assignment(a, b, honestBits(c.N, a, b));
        for (const [name, v] of Object.entries(model)) {
          if (circ.symbols.has(name)) expect(circ.signed(w, name), `${name} at (${a}, ${b})`).toBe(v);
        }
        if (witnesses.length < 24 || a === b) {
          expect((await circ.checkWitness(w)).ok, `honest witness at (${a}, ${b})`).toBe(true);
          witnesses.push({ a, b, w });
        }
      }
    });

    it("rejects forged witnesses: out ± 1, out = min, flipped sign, non-boolean bits", async () => {
      for (const { a, b, w } of witnesses) {
        let tried = 0;
        for (const [what, sig] of forgeries(c.N, a, b)) {
          // under --O2 a forgery may touch only optimized-away signals (then it is no forgery of this build)
          if (!circ.changesKept(w, sig)) continue;
          tried++;
          noteForgery(key, backend, what);
          expect((await circ.checkWitness(circ.forge(w, sig))).ok, `${what} at (${a}, ${b})`).toBe(false);
        }
        expect(tried, `forgeries tried at (${a}, ${b})`).toBeGreaterThanOrEqual(Math.min(c.N + 4, 9));
      }
      expectForgeryGaps(key, backend);
    });

    it("rejects every single-value change of a non-input signal", async () => {
      for (const { a, b, w } of witnesses.slice(0, 4)) {
        for (const delta of [1n, P - 1n]) {
          const survivors = await mutationSurvivors(circ, w, ["main.a", "main.b"], delta);
          expect(survivors, `(${a}, ${b}) + ${delta}`).toEqual([]);
        }
      }
    });

    it("fails witness generation when a − b is outside its range instead of wrapping", async () => {
      const h = pow2(c.N - 1);
      // the operands are inside the direct plan's input check: its prim alone rejects these
      for (const [a, b] of [
        [h, 0n],
        [0n, h + 1n],
        [-h - 1n, 0n],
      ] as [bigint, bigint][]) {
        await expect(circ.calculate({ a, b }), `(${a}, ${b})`).rejects.toThrow(primRejects(backend));
      }
      await expect(circ.calculate({ a: P / 2n, b: 0n })).rejects.toThrow(/Assert Failed/);
    });
  });
}

describe("Max2 parameters are checked at compile time", () => {
  for (const t of ["Max2(1)", "Max2(253)"]) {
    it(`${t} does not compile`, async () => {
      await expect(compileTemplate(t)).rejects.toThrow(/False assert reached/);
    });
  }
});

/**
 * The max prim as a model uses it: rows of different lengths (1, 2, 3, 5) over two concatenated input
 * tensors with per-element bounds, emitted by emitMax; the witness must equal evaluateMax and the
 * constraint count primConstraints.
 */
describe.each(backendsFor())("emitted max prim (rows over concatenated tensors) [%s]", (backend) => {
  const node: GraphNode = {
    index: 0,
    name: "m",
    opType: "MaxPool",
    domain: "",
    inputs: [],
    outputs: ["y"],
    attrs: new Map(),
  };
  const builder = new PlanBuilder();
  const ctx = new LowerCtx(builder, node, [], { inputScale: 4, paramScale: 4 });
  const tensor = (n: number, lo: (i: number) => bigint, hi: (i: number) => bigint): QTensor =>
    builder.newTensor({
      onnxName: "x",
      shape: [n],
      scale: 4,
      lo: Array.from({ length: n }, (_, i) => lo(i)),
      hi: Array.from({ length: n }, (_, i) => hi(i)),
      err: new Float64Array(n),
    });
  const x = tensor(
    6,
    (i) => -100n * BigInt(i + 1),
    (i) => 50n * BigInt(i + 1),
  );
  const y = tensor(
    3,
    () => -1000n,
    () => 3000n,
  );
  const rows = [[0], [8], [1, 2], [6, 7, 0], [0, 1, 2, 3, 4], [5, 6], [4, 3, 8], [2]].map((r) =>
    Int32Array.from(r),
  );
  const out = max(ctx, [x, y], rows, [rows.length]);
  const prim = ctx.prims[0] as MaxPrim;
  const names = new Map([
    [x.id, "x"],
    [y.id, "y"],
  ]);
  const env = {
    tensor: (id: number) => builder.plan.tensors[id] as QTensor,
    name: (id: number) => names.get(id) ?? "?",
  };
  const source = [
    "pragma circom 2.1.0;",
    'include "zkmlc/zkmlc.circom";',
    "template M() {",
    "signal input x[6];",
    "signal input y[3];",
    `signal output t9[${rows.length}];`,
    ...maxSpec.circom(prim, "t9", env, []),
    "}",
    "component main = M();",
  ].join("\n");
  // the direct backend: the same prim in a plan whose inputs x, y are checked to cover their bounds
  const spec = {
    plan: planOf(
      builder.plan.tensors,
      [
        [x.id, covering(x)],
        [y.id, covering(y)],
      ],
      ctx.prims,
      [[out.id, "t9"]],
    ),
    helpers: [],
    feed: (input: Record<string, unknown>) => [input.x as bigint[], input.y as bigint[]],
    rename: renamer("main", (name) =>
      name.startsWith("main.t9[") ? `main.out_t9${name.slice(7)}` : undefined,
    ),
  };
  let circ: CompiledCircuit;

  beforeAll(async () => {
    circ = backend === "circom" ? await compileMain(source) : await buildDirect(spec);
  });
  afterAll(async () => {
    await circ?.cleanup();
  });

  it("bounds are the running max of the element bounds", () => {
    expect(out.lo[3]).toBe(-100n); // max of lo over x[6]=y[0] (-1000), y[1]=x[7] (-1000), x[0] (-100)
    expect(out.hi[3]).toBe(3000n);
    expect(out.lo[4]).toBe(-100n);
    expect(out.hi[4]).toBe(250n);
    // widths of the chain [0, 1, 2, 3, 4]: running max vs the next element
    expect(prim.bits[4]).toEqual([9, 10, 11, 11]);
  });

  it(`costs exactly primConstraints under --O2`, () => {
    expectOwnConstraints(circ, primConstraints(prim, rows.length));
  });

  it("matches evaluateMax on random inputs within the bounds, and the witness passes", async () => {
    const next = rng(11n);
    for (let t = 0; t < 40; t++) {
      const xs = x.lo.map((l, i) => randomIn(next, l, (x.hi[i] as bigint) + 1n));
      const ys = y.lo.map((l, i) => randomIn(next, l, (y.hi[i] as bigint) + 1n));
      if (t === 0) xs.fill(7n); // ties
      const vals: bigint[][] = [];
      vals[x.id] = xs;
      vals[y.id] = ys;
      const want = maxSpec.evaluate(prim, vals);
      const w = await circ.calculate({ x: xs, y: ys });
      want.forEach((v, i) => {
        expect(circ.signed(w, `main.t9[${i}]`), `row ${i}`).toBe(v);
      });
      if (t < 5) {
        expect((await circ.checkWitness(w)).ok).toBe(true);
        for (const i of [3, 4]) {
          const v = want[i] as bigint;
          const bad = circ.forge(w, { [`main.t9[${i}]`]: v + 1n });
          expect((await circ.checkWitness(bad)).ok, `forged row ${i}`).toBe(false);
        }
      }
    }
  });
});

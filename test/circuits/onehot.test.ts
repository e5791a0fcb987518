/**
 * OneHot(K, CHECK): out[k] = [in = k] from hint-free powers of in; --O2 max(0, K − 2), with CHECK
 * max(1, K − 1) (ir.ts oneHotCost). OneHotHint(K): hint booleans, K constraints.
 * Also the emitted onehot prim (oneHotSpec.circom, candidates per element) against evaluateOneHot.
 * Every test also runs on the direct backend where the onehot prim has the template: OneHot(K, CHECK)
 * for K <= 32, OneHotHint(K) for K > 32 (the prim takes powers up to 32 candidates, so OneHotHint(2) and
 * OneHotHint(5) are circom-only), as the probe's plan (direct-plans.ts oneHotProbePlan).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GraphNode } from "../../src/1-decode/graph.js";
import type { OneHotPrim, QTensor } from "../../src/3-lower/ir.js";
import { LowerCtx, PlanBuilder } from "../../src/3-lower/lower.js";
import {
  evaluateOneHot,
  lagrangeBasis,
  oneHot,
  oneHotCost,
  oneHotSpec,
} from "../../src/3-lower/prims/onehot.js";
import { primConstraints } from "../../src/3-lower/prims/registry.js";
import { buildDirect, covering, expectOwnConstraints, planOf, renamer } from "./direct-harness.js";
import { oneHotProbePlan } from "./direct-plans.js";
import {
  type Backend,
  backendsFor,
  type CompiledCircuit,
  compileMain,
  mutationSurvivors,
  P,
  randomIn,
  rng,
  toField,
} from "./harness.js";

const wrapped = (inst: string) =>
  `pragma circom 2.1.0;\ninclude "zkmlc/zkmlc.circom";\ntemplate W() { signal input in; component c = ${inst}; c.in <== in; }\ncomponent main = W();\n`;

/**
 * The template with readable outputs: y[k] = out[k]·w[k] (w = 1 in use), which keeps `in` in the
 * witness (the outputs alone, if public, would let --O2 substitute it) so forgeries can hold it fixed.
 */
const probe = (inst: string, K: number) =>
  `pragma circom 2.1.0;\ninclude "zkmlc/zkmlc.circom";\ntemplate T() {\n  signal input in;\n  signal input w[${K}];\n  signal output y[${K}];\n  component c = ${inst};\n  c.in <== in;\n  for (var k = 0; k < ${K}; k++) y[k] <== c.out[k] * w[k];\n}\ncomponent main = T();\n`;

/** in^t mod p. */
const power = (v: bigint, t: number) => {
  let r = 1n;
  for (let i = 0; i < t; i++) r = (r * toField(v)) % P;
  return r;
};

/** Every internal signal and output of the OneHot(K, ·) probe as the polynomial of v the constraints make it. */
function polynomialWitness(K: number, v: bigint): Record<string, bigint> {
  const sig: Record<string, bigint> = {};
  lagrangeBasis(K).forEach((row, k) => {
    const l = row.reduce((s, c, t) => (s + c * power(v, t)) % P, 0n);
    sig[`main.c.out[${k}]`] = l;
    sig[`main.y[${k}]`] = l;
  });
  for (let t = 2; t <= K + 1; t++) sig[`main.c.pw[${t}]`] = power(v, t);
  return sig;
}

/** The OneHotHint(K) probe's hints and outputs set to the vector `e`. */
function hintWitness(e: bigint[]): Record<string, bigint> {
  const sig: Record<string, bigint> = {};
  e.forEach((b, k) => {
    sig[`main.c.out[${k}]`] = b;
    sig[`main.y[${k}]`] = b;
  });
  return sig;
}

const oneHotOf = (K: number, v: bigint) => Array.from({ length: K }, (_, k) => (BigInt(k) === v ? 1n : 0n));

/** Forge `sig` into w with `in` set to v (when the build keeps it) and check the r1cs. */
async function accepts(
  c: CompiledCircuit,
  w: bigint[],
  v: bigint,
  sig: Record<string, bigint>,
): Promise<boolean> {
  const all = { ...sig, "main.in": v };
  return c.changesKept(w, all) ? (await c.checkWitness(c.forge(w, all))).ok : true;
}

/**
 * Inputs of a probe that the build kept (frozen in mutation tests). For K = 1 the output is the constant
 * 1, so y[0] = w[0] is linear and --O2 keeps y[0] in w[0]'s place: it is the input.
 */
const inputs = (c: CompiledCircuit, K: number) =>
  [
    "main.in",
    ...Array.from({ length: K }, (_, k) => `main.w[${k}]`),
    ...(K === 1 ? ["main.y[0]"] : []),
  ].filter((s) => c.symbols.has(s));

const CASES: [number, 0 | 1][] = [
  [1, 0],
  [1, 1],
  [2, 0],
  [2, 1],
  [3, 0],
  [3, 1],
  [5, 0],
  [5, 1],
  [32, 1],
];

/** The probe on a backend: circom compiles it, the direct backend writes the probe's plan. */
const probeOn = (backend: Backend, inst: string, K: number, check: boolean) =>
  backend === "circom" ? compileMain(probe(inst, K)) : buildDirect(oneHotProbePlan(K, check));

for (const [K, C] of CASES) {
  describe.each(backendsFor())(`OneHot(${K}, ${C}) [%s]`, (backend) => {
    let circ: CompiledCircuit;
    const honest = new Map<bigint, bigint[]>();
    const ones = new Array<bigint>(K).fill(1n);
    beforeAll(async () => {
      circ = await probeOn(backend, `OneHot(${K}, ${C})`, K, C === 1);
    });
    afterAll(async () => {
      await circ?.cleanup();
    });

    it(`costs ${oneHotCost(K, C === 1)} constraints under --O2 when its outputs feed the model`, async () => {
      if (backend === "direct") {
        // the probe's own part: without the input checks and the products (the harness's)
        expectOwnConstraints(circ, oneHotCost(K, C === 1));
        return;
      }
      const w = await compileMain(wrapped(`OneHot(${K}, ${C})`));
      expect(w.nConstraints).toBe(oneHotCost(K, C === 1));
      await w.cleanup();
    });

    it("outputs the one-hot vector of every in ∈ [0, K); the honest witnesses pass", async () => {
      for (let v = 0n; v < BigInt(K); v++) {
        const w = await circ.calculate({ in: v, w: ones });
        for (let k = 0; k < K; k++) expect(circ.signed(w, `main.y[${k}]`)).toBe(BigInt(k) === v ? 1n : 0n);
        expect((await circ.checkWitness(w)).ok).toBe(true);
        honest.set(v, w);
      }
    });

    it("pins every signal to in: changed signals and the vector of another index are rejected", async () => {
      for (const [v, w] of [...honest].slice(0, 6)) {
        expect(await mutationSurvivors(circ, w, inputs(circ, K))).toEqual([]);
        expect(await mutationSurvivors(circ, w, inputs(circ, K), P - 1n)).toEqual([]);
        if (circ.symbols.has("main.in") && K > 1) {
          const other = (v + 1n) % BigInt(K);
          expect(
            await accepts(circ, w, v, polynomialWitness(K, other)),
            `in = ${v} with ${other}'s vector`,
          ).toBe(false);
        }
      }
    });

    if (C === 1) {
      it("has no witness for in outside [0, K): calculation fails, the polynomial witness is rejected", async () => {
        const w0 = honest.get(0n) as bigint[];
        for (const v of [-1n, BigInt(K), BigInt(K) + 1n, P - 5n]) {
          await expect(circ.calculate({ in: v, w: ones }), `in = ${v}`).rejects.toThrow();
          expect(await accepts(circ, w0, v, polynomialWitness(K, v)), `in = ${v}`).toBe(false);
        }
      });
    } else if (K > 1) {
      it("without CHECK the range is an assumption: in = K has a (non-one-hot) witness", async () => {
        const w0 = honest.get(0n) as bigint[];
        expect(await accepts(circ, w0, BigInt(K), polynomialWitness(K, BigInt(K)))).toBe(true);
      });
    }
  });
}

for (const K of [2, 5, 33]) {
  describe.each(K > 32 ? backendsFor() : ["circom" as const])(`OneHotHint(${K}) [%s]`, (backend) => {
    let circ: CompiledCircuit;
    const ones = new Array<bigint>(K).fill(1n);
    beforeAll(async () => {
      circ = await probeOn(backend, `OneHotHint(${K})`, K, true);
    });
    afterAll(async () => {
      await circ?.cleanup();
    });

    it(`costs ${K} constraints under --O2 when its outputs feed the model`, async () => {
      if (backend === "direct") {
        expectOwnConstraints(circ, K);
        return;
      }
      const w = await compileMain(wrapped(`OneHotHint(${K})`));
      expect(w.nConstraints).toBe(K);
      await w.cleanup();
    });

    it("outputs one-hot vectors and pins every hint: a moved or added hot entry is rejected", async () => {
      for (const v of [0n, 1n, BigInt(K - 1)]) {
        const w = await circ.calculate({ in: v, w: ones });
        for (let k = 0; k < K; k++) expect(circ.signed(w, `main.y[${k}]`)).toBe(BigInt(k) === v ? 1n : 0n);
        expect((await circ.checkWitness(w)).ok).toBe(true);
        expect(await mutationSurvivors(circ, w, inputs(circ, K))).toEqual([]);
        const next = (v + 1n) % BigInt(K);
        expect(await accepts(circ, w, v, hintWitness(oneHotOf(K, next))), "moved").toBe(false);
        const both = oneHotOf(K, v).map((b, k) => (BigInt(k) === next ? 1n : b));
        expect(await accepts(circ, w, v, hintWitness(both)), "added").toBe(false);
      }
    });

    it("has no witness for in outside [0, K): all-zero, last-hot and two-hot vectors are rejected", async () => {
      const w0 = await circ.calculate({ in: 0n, w: ones });
      for (const v of [-1n, BigInt(K)]) {
        await expect(circ.calculate({ in: v, w: ones })).rejects.toThrow();
        expect(await accepts(circ, w0, v, hintWitness(new Array<bigint>(K).fill(0n))), `${v}, none`).toBe(
          false,
        );
        expect(await accepts(circ, w0, v, hintWitness(oneHotOf(K, BigInt(K - 1)))), `${v}, last`).toBe(false);
      }
      // 3 = 1 + 2 from two hot entries: the vector sums to 2
      if (K >= 4) {
        const two = oneHotOf(K, 1n).map((b, k) => (k === 2 ? 1n : b));
        expect(await accepts(circ, w0, 3n, hintWitness(two))).toBe(false);
      }
    });
  });
}

/**
 * The emitted prim: per-element candidates (a free two-way choice, a checked range, a hint vector above
 * 32 candidates, a constant, an unchecked three-way choice). Each output is multiplied by its own input
 * w[i] so it stays readable; the constant one (K = 1) makes that product linear.
 */
describe.each(backendsFor())("emitted onehot prim [%s]", (backend) => {
  const node: GraphNode = {
    index: 0,
    name: "g",
    opType: "Gather",
    domain: "",
    inputs: [],
    outputs: ["y"],
    attrs: new Map(),
  };
  const builder = new PlanBuilder();
  const ctx = new LowerCtx(builder, node, [], { inputScale: 0, paramScale: 0 });
  const x = builder.newTensor({
    onnxName: "x",
    shape: [5],
    scale: 0,
    lo: [3n, -2n, 0n, 5n, 0n],
    hi: [4n, 9n, 40n, 5n, 2n],
    err: new Float64Array(5),
  });
  const lo = [3n, -2n, 0n, 5n, 0n];
  const count = [2, 6, 36, 1, 3];
  const e = oneHot(ctx, x, lo, count);
  const prim = ctx.prims[0] as OneHotPrim;
  const n = e.lo.length;
  const env = { tensor: (id: number) => builder.plan.tensors[id] as QTensor, name: () => "x" };
  const source = [
    "pragma circom 2.1.0;",
    'include "zkmlc/zkmlc.circom";',
    "template M() {",
    "signal input x[5];",
    `signal input w[${n}];`,
    `signal e[${n}];`,
    ...oneHotSpec.circom(prim, "e", env, []),
    `signal output y[${n}];`,
    `for (var i = 0; i < ${n}; i++) y[i] <== e[i] * w[i];`,
    "}",
    "component main = M();",
  ].join("\n");
  // the direct backend: the prim and the products in a plan (inputs x, checked to cover x's bounds, and w)
  const tensor = (onnxName: string): QTensor => ({
    id: builder.plan.tensors.length,
    onnxName,
    shape: [n],
    scale: 0,
    lo: new Array<bigint>(n).fill(0n),
    hi: new Array<bigint>(n).fill(1n),
    err: new Float64Array(n),
  });
  const w = tensor("w");
  builder.plan.tensors.push(w);
  const y = tensor("y");
  builder.plan.tensors.push(y);
  const iota = Int32Array.from({ length: n }, (_, i) => i);
  const products = { kind: "mul" as const, out: y.id, a: e.id, b: w.id, ia: iota, ib: iota };
  const spec = {
    plan: planOf(
      builder.plan.tensors,
      [
        [x.id, covering(x)],
        [w.id, { lo: 0n, bits: 2 }],
      ],
      [prim, products],
      [[y.id, "y"]],
    ),
    helpers: [products],
    feed: (input: Record<string, unknown>) => [input.x as bigint[], input.w as bigint[]],
    rename: renamer("main", (name) => {
      const m = /^main\.([xwy])\[/.exec(name);
      return m ? `main.${m[1] === "y" ? "out" : "in"}_${name.slice(5)}` : undefined;
    }),
  };
  let circ: CompiledCircuit;
  beforeAll(async () => {
    circ = backend === "circom" ? await compileMain(source) : await buildDirect(spec);
  });
  afterAll(async () => {
    await circ?.cleanup();
  });

  it("checks membership only where the bounds do not prove it; costs primConstraints", () => {
    expect(prim.check).toEqual([false, true, true, false, false]);
    expect(primConstraints(prim, n)).toBe(0 + 5 + 36 + 0 + 1);
    // with the products but the one of the constant output (element 3, one candidate), which is linear
    if (backend === "circom") expect(circ.nConstraints).toBe(primConstraints(prim, n) + n - 1);
    else expectOwnConstraints(circ, primConstraints(prim, n));
  });

  it("matches evaluateOneHot on candidates; indices outside them have no witness", async () => {
    const next = rng(11n);
    const ones = new Array<bigint>(n).fill(1n);
    for (let t = 0; t < 12; t++) {
      const xs = lo.map((l, i) =>
        t < 2
          ? l + BigInt(t === 0 ? 0 : (count[i] as number) - 1)
          : randomIn(next, l, l + BigInt(count[i] as number)),
      );
      const vals: bigint[][] = [];
      vals[x.id] = xs;
      const want = evaluateOneHot(prim, vals);
      const w = await circ.calculate({ x: xs, w: ones });
      for (let i = 0; i < n; i++) expect(circ.signed(w, `main.y[${i}]`), `y[${i}] at ${xs}`).toBe(want[i]);
      if (t < 3) {
        expect((await circ.checkWitness(w)).ok).toBe(true);
        // inputs, and y[44] = w[44] (element 3 has one candidate: its output is the constant 1)
        const frozen = [...Array.from({ length: 5 }, (_, i) => `main.x[${i}]`), "main.y[44]"];
        for (let i = 0; i < n; i++) frozen.push(`main.w[${i}]`);
        expect(
          await mutationSurvivors(
            circ,
            w,
            frozen.filter((s) => circ.symbols.has(s)),
          ),
        ).toEqual([]);
      }
    }
    for (const [i, v] of [
      [1, 4n],
      [1, 9n],
      [2, 36n],
    ] as const) {
      const xs = lo.slice();
      xs[i] = v;
      const vals: bigint[][] = [];
      vals[x.id] = xs;
      expect(() => evaluateOneHot(prim, vals)).toThrow(/outside the valid indices/);
      await expect(circ.calculate({ x: xs, w: ones }), `x[${i}] = ${v}`).rejects.toThrow();
    }
  });
});

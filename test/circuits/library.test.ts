/**
 * The circuit library as the generated model circuits use it: compile-time parameter checks, and templates
 * fed with linear combinations of other signals (constant weights) keep their exact constraint counts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rescaleRelu, roundShift } from "../../src/3-lower/rounding.js";
import { buildDirect, expectOwnConstraints, PlanMaker, type PlanSpec, renamer } from "./direct-harness.js";
import { backendsFor, type CompiledCircuit, compileMain, compileTemplate, randomIn, rng } from "./harness.js";

describe("template parameters are checked at compile time", () => {
  const bad = [
    "Rescale(253, 1)",
    "Rescale(8, 0)",
    "Rescale(8, 8)",
    "RescaleRelu(253, 0)",
    "RescaleRelu(8, 7)",
    "RangeCheck(253)",
    "RangeCheck(0)",
    "RangeCheckSigned(253)",
  ];
  for (const t of bad) {
    it(`${t} does not compile`, async () => {
      await expect(compileTemplate(t)).rejects.toThrow(/False assert reached/);
    });
  }
});

/**
 * A two-layer "model": h_j = RescaleRelu(Σ W1[j][i] x_i + b1[j]), y = Rescale(Σ W2[j] h_j + b2), inputs
 * range-checked. Constant weights fold into the linear combinations, so the cost is only the templates':
 * 3 × RangeCheckSigned(8) + 2 × RescaleRelu(14, 4) + Rescale(16, 3) = 3·8 + 2·15 + 18 = 72 under --O2.
 */
const W1 = [
  [3n, -5n, 7n],
  [-2n, 4n, 1n],
];
const B1 = [11n, -40n];
const W2 = [6n, -9n];
const B2 = 5n;

const SOURCE = `pragma circom 2.1.0;
include "zkmlc/zkmlc.circom";

template TinyModel() {
    signal input x[3];
    signal output y;
    component inRange[3];
    for (var i = 0; i < 3; i++) {
        inRange[i] = RangeCheckSigned(8);
        inRange[i].in <== x[i];
    }
    component h0 = RescaleRelu(14, 4);
    h0.in <== 3 * x[0] - 5 * x[1] + 7 * x[2] + 11;
    component h1 = RescaleRelu(14, 4);
    h1.in <== -2 * x[0] + 4 * x[1] + x[2] - 40;
    component out = Rescale(16, 3);
    out.in <== 6 * h0.out - 9 * h1.out + 5;
    y <== out.out;
}

component main = TinyModel();
`;

function reference(x: bigint[]): bigint {
  const h = W1.map((row, j) =>
    rescaleRelu(
      row.reduce((acc, w, i) => acc + w * (x[i] as bigint), B1[j] as bigint),
      4,
    ),
  );
  return roundShift(
    h.reduce((acc, v, j) => acc + (W2[j] as bigint) * v, B2),
    3,
  );
}

/**
 * The same model as a plan for the direct backend: the input x range-checked (the model's own checks),
 * two affine maps (free) and the two rescale prims.
 */
function tinyPlan(): PlanSpec {
  const m = new PlanMaker();
  const x = m.input("x", 3, { lo: -128n, bits: 8 });
  const rows = (w: bigint[][]) => w.map((r) => ({ idx: Int32Array.from(r, (_, i) => i), coef: r }));
  const pre = m.prim({ kind: "affine", ins: [x], rows: rows(W1), bias: B1 }, 2);
  const h = m.prim({ kind: "rescale", in: pre, k: 4, relu: true, bits: [14, 14] }, 2);
  const sum = m.prim({ kind: "affine", ins: [h], rows: rows([W2]), bias: [B2] }, 1);
  m.output(m.prim({ kind: "rescale", in: sum, k: 3, relu: false, bits: [16] }, 1));
  return {
    plan: m.plan,
    helpers: m.helpers,
    feed: (input) => [(input.x as bigint[]).map(BigInt)],
    rename: renamer("main", { "main.y": "main.out_y[0]" }),
    ownInputChecks: true,
  };
}

describe.each(backendsFor())("a composed circuit with linear-combination inputs [%s]", (backend) => {
  let circ: CompiledCircuit;
  beforeAll(async () => {
    circ = backend === "circom" ? await compileMain(SOURCE) : await buildDirect(tinyPlan());
  });
  afterAll(async () => {
    await circ?.cleanup();
  });

  it("costs exactly the sum of its templates under --O2", () => {
    expectOwnConstraints(circ, 3 * 8 + 2 * (14 + 1) + (16 + 2));
  });

  it("matches the integer reference and its witnesses pass", async () => {
    const next = rng(7n);
    for (let t = 0; t < 150; t++) {
      const x = [0, 1, 2].map(() => randomIn(next, -128n, 128n));
      const w = await circ.calculate({ x });
      expect(circ.signed(w, "main.y"), `x = ${x}`).toBe(reference(x));
      if (t < 20) expect((await circ.checkWitness(w)).ok).toBe(true);
    }
  });

  it("rejects an input outside its calibrated range before any wrap-around", async () => {
    await expect(circ.calculate({ x: [128n, 0n, 0n] })).rejects.toThrow(/Assert Failed/);
  });

  it("rejects a forged output", async () => {
    const w = await circ.calculate({ x: [5n, -7n, 100n] });
    const y = circ.signed(w, "main.y");
    for (const d of [1n, -1n]) {
      expect((await circ.checkWitness(circ.forge(w, { "main.y": y + d }))).ok).toBe(false);
    }
  });
});

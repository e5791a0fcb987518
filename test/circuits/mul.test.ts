/**
 * The mul prim: y = a·b of two signals, one constraint (a product of two signals is what R1CS pays for).
 * No template of its own (the prim's Circom is `y <== a * b`), so both backends build one plan
 * (direct-plans.ts mulPlan): circom compiles its emitted Circom, the direct backend writes its rows.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPlan, expectOwnConstraints } from "./direct-harness.js";
import { mulPlan } from "./direct-plans.js";
import {
  backendsFor,
  type CompiledCircuit,
  expectForgeryGaps,
  fieldInv,
  mutationSurvivors,
  noteForgery,
  P,
  randomIn,
  rng,
} from "./harness.js";

const pow2 = (e: number): bigint => 1n << BigInt(e);

interface Case {
  /** Signed bits of the operands. */
  B: number;
  /** y = a·a of one input. */
  square: boolean;
}

const CASES: Case[] = [
  { B: 4, square: false },
  { B: 4, square: true },
  { B: 120, square: false },
];

/** Forged outputs for (a, b): each must be rejected. */
function forgeries(a: bigint, b: bigint): [string, Record<string, bigint>][] {
  const y = a * b;
  return [
    ["y + 1", { "main.y": y + 1n }],
    ["y - 1", { "main.y": y - 1n }],
    ["y = -a·b", { "main.y": -y }],
    ["y = 0", { "main.y": 0n }],
    ["y = 1", { "main.y": 1n }],
    ["y = a·b / 2", { "main.y": y * fieldInv(2n) }],
  ].filter(([, sig]) => (sig as Record<string, bigint>)["main.y"] !== y) as [
    string,
    Record<string, bigint>,
  ][];
}

function pairsFor(c: Case): [bigint, bigint][] {
  const h = pow2(c.B - 1);
  const out: [bigint, bigint][] = [];
  if (c.B <= 4) {
    for (let a = -h; a < h; a++) for (let b = -h; b < h; b++) if (!c.square || a === b) out.push([a, b]);
    return out;
  }
  const next = rng(BigInt(c.B));
  out.push([-h, -h], [-h, h - 1n], [h - 1n, h - 1n], [0n, -h], [-1n, 1n]);
  for (let i = 0; i < 30; i++) out.push([randomIn(next, -h, h), randomIn(next, -h, h)]);
  return out;
}

for (const c of CASES) {
  const key = `mul of ${c.B}-bit ${c.square ? "a·a" : "a·b"}`;
  const pairs = pairsFor(c);
  describe.each(backendsFor())(`${key} [%s]`, (backend) => {
    let circ: CompiledCircuit;
    const witnesses: { a: bigint; b: bigint; w: bigint[] }[] = [];
    const frozen = c.square ? ["main.a"] : ["main.a", "main.b"];
    beforeAll(async () => {
      circ = await buildPlan(backend, mulPlan(c.B, c.square));
    });
    afterAll(async () => {
      await circ?.cleanup();
    });

    it("has exactly 1 constraint", () => {
      expectOwnConstraints(circ, 1);
    });

    it(`computes a·b on ${pairs.length} pairs and the honest witnesses pass`, async () => {
      for (const [a, b] of pairs) {
        const w = await circ.calculate(c.square ? { a } : { a, b });
        expect(circ.signed(w, "main.y"), `${a}·${b}`).toBe(a * b);
        if (witnesses.length < 24) {
          expect((await circ.checkWitness(w)).ok, `honest witness at ${a}·${b}`).toBe(true);
          witnesses.push({ a, b, w });
        }
      }
    });

    it("rejects forged outputs", async () => {
      for (const { a, b, w } of witnesses) {
        let tried = 0;
        for (const [what, sig] of forgeries(a, b)) {
          tried++;
          noteForgery(key, backend, what);
          expect((await circ.checkWitness(circ.forge(w, sig))).ok, `${what} at ${a}·${b}`).toBe(false);
        }
        expect(tried, `forgeries at ${a}·${b}`).toBeGreaterThanOrEqual(3);
      }
      expectForgeryGaps(key, backend);
    });

    it("rejects every single-value change of a non-input signal", async () => {
      for (const { w } of witnesses.slice(0, 4)) {
        expect(await mutationSurvivors(circ, w, frozen, 1n)).toEqual([]);
        expect(await mutationSurvivors(circ, w, frozen, P - 1n)).toEqual([]);
      }
    });
  });
}

/**
 * The commit prim (src/3-lower/prims/commit.ts): the zkmlc-commit-v1 Poseidon commitment of range-checked
 * private inputs (docs/COMMITMENT.md), on both backends: circom --O2 on the emitted Circom (circomlib's
 * Poseidon(16)) and the direct backend's rows, in one-prim plans (direct-plans.ts commitPlan).
 * Constraints: 3·(188·blocks + packed − 1) (3 per S-box of a non-constant, none for the constant tag and
 * headers). Both backends make as many wires and public signals, and circom's witness holds, signal for
 * signal by name, the values the direct build gives them.
 *
 * The packing soundness test the prim's contract rests on: v = lo + 2^bits in slot i with slot i + 1 one
 * less packs to the same field element, so Poseidon cannot tell the two inputs apart; only the input's
 * range check [lo, lo + 2^bits) rejects it. A plan whose input check is wider than the committed bits
 * (breaking the contract on purpose) accepts that forgery: same commitment, another input.
 */
import { buildPoseidon, type PoseidonFn } from "circomlibjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluatePlan } from "../../src/3-lower/evaluate.js";
import type { CommitPrim } from "../../src/3-lower/ir.js";
import { commitSpec } from "../../src/3-lower/prims/commit.js";
import { primConstraints } from "../../src/3-lower/prims/registry.js";
import { checkDirect } from "../../src/4-emit/r1cs/direct.js";
import { readR1csInfo } from "../../src/5-compile/r1cs.js";
import { type CommitRole, type CommitTensor, commitment } from "../../src/commit/commitment.js";
import { ZkmlError } from "../../src/errors.js";
import { buildPlan, expectOwnConstraints, type PlanCircuit } from "./direct-harness.js";
import { type CommittedInput, commitPlan } from "./direct-plans.js";
import {
  type Backend,
  backendsFor,
  expectForgeryGaps,
  mutationSurvivors,
  noteForgery,
  randomIn,
  rng,
  toField,
} from "./harness.js";

const pow2 = (e: number): bigint => 1n << BigInt(e);

type Values = Record<string, bigint[]>;

interface Case {
  key: string;
  role: CommitRole;
  inputs: CommittedInput[];
  /**
   * Poseidon(16) blocks and packed elements, counted by hand: the cost is 3·(188·blocks + packed − 1),
   * where `blocks` does not count a leading block of constants only (no S-box of a signal: free).
   */
  blocks: number;
  packed: number;
  /** Input values to commit; the first is the one forged. */
  samples: Values[];
  /** The commitment of samples[0] when it is a test vector of docs/COMMITMENT.md. */
  vector?: bigint;
  /** The aliasing forgery: element `at` of input `name` + 2^bits, element at + 1 − 1 (same packed element). */
  alias: { name: string; at: number };
  /** The input check is the committed range (the prim's contract): the aliasing forgery is rejected. */
  checked: boolean;
  /** Run the single-change mutation test (every wire; small builds only). */
  mutate: boolean;
}

/** Values of a committed input: all at lo, all at the top, and `n` random ones in [lo, lo + 2^bits). */
function edgesAndRandom(t: CommittedInput, n: number, seed: bigint): bigint[][] {
  const size = t.shape.reduce((a, d) => a * d, 1);
  const top = t.lo + pow2(t.bits) - 1n;
  const next = rng(seed);
  return [
    new Array<bigint>(size).fill(t.lo),
    new Array<bigint>(size).fill(top),
    ...Array.from({ length: n }, () => Array.from({ length: size }, () => randomIn(next, t.lo, top + 1n))),
  ];
}

function samplesFor(inputs: CommittedInput[], first: Values, random: number): Values[] {
  const per = inputs.map((t, i) => edgesAndRandom(t, random, BigInt(17 + i)));
  const more = (per[0] ?? []).map((_, s) =>
    Object.fromEntries(inputs.map((t, i) => [t.name, per[i]?.[s] ?? []])),
  );
  return [first, ...more];
}

/** The test vectors of docs/COMMITMENT.md (src/commit/commitment.test.ts checks them against commitment()). */
const VECTOR_1 = 21088703393714024632503891182363072882275725327275979645830024951827488766113n;
const VECTOR_2 = 3558184315009164063157926413196564907147584234159412819496798678724863983712n;

const X1: CommittedInput = { name: "x", shape: [2, 2], scale: 4, lo: -8n, bits: 4 };
const X2: CommittedInput = { name: "x", shape: [7, 100], scale: 6, lo: -100n, bits: 9 };
const X3: CommittedInput[] = [
  { name: "x", shape: [3], scale: 8, lo: -32768n, bits: 16 },
  { name: "w", shape: [2], scale: 0, lo: 0n, bits: 1 },
];

const X4: CommittedInput = { name: "x", shape: [1, 1, 1, 1, 1, 1, 1, 2, 3], scale: -2, lo: 5n, bits: 3 };

const CASES: Case[] = [
  {
    // docs/COMMITMENT.md VECTOR_1: tag, count, 6 header elements, 1 packed: one block.
    key: "VECTOR_1: one [2, 2] tensor in 4 bits",
    role: "input",
    inputs: [X1],
    blocks: 1,
    packed: 1,
    samples: samplesFor([X1], { x: [-8n, 7n, 0n, 3n] }, 3),
    vector: VECTOR_1,
    alias: { name: "x", at: 0 },
    checked: true,
    mutate: true,
  },
  {
    // 28 values per element: 25 packed elements at S[8..32], across three blocks (7, 15 and 3 of them).
    key: "700 values in 9 bits, 25 packed elements in 3 blocks",
    role: "input",
    inputs: [X2],
    blocks: 3,
    packed: 25,
    samples: samplesFor([X2], { x: Array.from({ length: 700 }, (_, i) => BigInt((i * 13) % 512) - 100n) }, 1),
    // Slots 0 and 1 of packed element 8, S[16]: the second block.
    alias: { name: "x", at: 8 * 28 },
    checked: true,
    mutate: false,
  },
  {
    // docs/COMMITMENT.md VECTOR_2: tag, count, 5 + 5 header elements, 2 packed: one block.
    key: "VECTOR_2: two tensors (16 and 1 bits)",
    role: "param",
    inputs: X3,
    blocks: 1,
    packed: 2,
    samples: samplesFor(X3, { x: [-32768n, 0n, 32767n], w: [1n, 0n] }, 3),
    vector: VECTOR_2,
    alias: { name: "x", at: 1 },
    checked: true,
    mutate: true,
  },
  {
    // Rank 9: tag, count and the 13 header elements fill the first block, which --O2 folds to a
    // constant; the one packed element and that constant chaining value go to the second block.
    key: "rank 9: a first block of constants only",
    role: "output",
    inputs: [X4],
    blocks: 1,
    packed: 1,
    samples: samplesFor([X4], { x: [5n, 6n, 7n, 8n, 9n, 12n] }, 2),
    alias: { name: "x", at: 0 },
    checked: true,
    mutate: true,
  },
  {
    // VECTOR_1 committed in 4 bits, but its input checked in 6 bits [-24, 40): the contract broken.
    key: "VECTOR_1 with a wider input check (no range check of the committed bits)",
    role: "input",
    inputs: [{ ...X1, check: { lo: -24n, bits: 6 } }],
    blocks: 1,
    packed: 1,
    samples: samplesFor([X1], { x: [-8n, 7n, 0n, 3n] }, 1),
    vector: VECTOR_1,
    alias: { name: "x", at: 0 },
    checked: false,
    mutate: false,
  },
];

/** The tensors of a sample as commitment() takes them. */
function tensorsOf(c: Case, values: Values): CommitTensor[] {
  return c.inputs.map(({ name, check: _, ...spec }) => ({ ...spec, values: values[name] ?? [] }));
}

/**
 * zkmlc-commit-v1 as a verifier would recompute it from docs/COMMITMENT.md with circomlibjs alone
 * (independent of src/commit/): the sequence built by hand, absorbed 15 elements per Poseidon(16) block.
 */
function byHand(poseidon: PoseidonFn, role: CommitRole, tensors: CommitTensor[]): bigint {
  const tag = [...Buffer.from("zkmlc-commit-v1", "ascii"), { input: 1, output: 2, param: 3 }[role]].reduce(
    (a, b) => a * 256n + BigInt(b),
    0n,
  );
  const S = [tag, BigInt(tensors.length)];
  for (const t of tensors) {
    S.push(
      toField(BigInt(t.scale)),
      BigInt(t.shape.length),
      ...t.shape.map(BigInt),
      toField(t.lo),
      BigInt(t.bits),
    );
    const k = Math.floor(252 / t.bits);
    for (let m = 0; m < t.values.length; m += k)
      S.push(t.values.slice(m, m + k).reduce((e, v, i) => e + (v - t.lo) * pow2(t.bits * i), 0n));
  }
  let h = 0n;
  for (let j = 0; j < S.length; j += 15) {
    const block = Array.from({ length: 15 }, (_, i) => S[j + i] ?? 0n);
    h = poseidon.F.toObject(poseidon([h, ...block]));
  }
  return h;
}

/** What both backends' builds of a case must agree on: r1cs header and the witness of samples[0] by name. */
const seen = new Map<
  string,
  { info: Awaited<ReturnType<typeof readR1csInfo>>; named: Map<string, bigint> }
>();

/**
 * circom's named wires whose values the direct build does not have by the same name. Both r1cs have as
 * many wires, but where --O2 merges two signals equal up to a constant (`ark[2].out[0]` = `sigmaF[1][0].out`
 * + C) the wire one keeps can be the other's: so the comparison is by name, against the value the direct
 * build gives every signal (checkDirect, as test/support/equivalence.ts maps a witness onto circom's).
 */
function differences(circom: Map<string, bigint>, direct: Map<string, bigint>): string[] {
  return [...circom]
    .filter(([n, v]) => direct.get(n) !== v)
    .map(([n, v]) => `${n}: ${v} vs ${direct.get(n)}`)
    .slice(0, 10);
}

for (const c of CASES) {
  describe.each(backendsFor())(`commit: ${c.key} [%s]`, (backend: Backend) => {
    const spec = commitPlan(c.role, c.inputs);
    let circ: PlanCircuit;
    let poseidon: PoseidonFn;
    const witnesses: { values: Values; w: bigint[] }[] = [];
    const prim = () => circ.plan.nodes[0]?.prims[0] as CommitPrim;
    /** The honest witness of samples[0] (computed by the second test). */
    const honest = () => witnesses[0] ?? expect.unreachable("no honest witness");
    beforeAll(async () => {
      [circ, poseidon] = await Promise.all([buildPlan(backend, spec), buildPoseidon()]);
    });
    afterAll(async () => {
      await circ?.cleanup();
    });

    it(`has exactly 3·(188·${c.blocks} + ${c.packed} − 1) constraints, as the cost model says`, () => {
      const n = 3 * (188 * c.blocks + c.packed - 1);
      expect(commitSpec.cost(prim(), 1)).toBe(n);
      expect(primConstraints(prim(), 1)).toBe(n);
      expectOwnConstraints(circ, n);
    });

    it("computes the commitment of commitment() and of circomlibjs by hand; honest witnesses pass", async () => {
      for (const values of c.samples) {
        const w = await circ.calculate(values);
        const want = commitment(c.role, tensorsOf(c, values));
        expect(circ.get(w, "main.y")).toBe(want);
        expect(byHand(poseidon, c.role, tensorsOf(c, values))).toBe(want);
        expect((await circ.checkWitness(w)).ok).toBe(true);
        witnesses.push({ values, w });
      }
      if (c.vector !== undefined) expect(circ.get(honest().w, "main.y")).toBe(c.vector);
    });

    it("has the other backend's wires, public signals and witness", async () => {
      const info = await readR1csInfo(circ.r1csPath);
      const n = c.inputs.reduce((s, t) => s + t.shape.reduce((a, d) => a * d, 1), 0);
      expect([info.nOutputs, info.nPubInputs, info.nPrvInputs]).toEqual([1, 0, n]);
      const { values, w } = honest();
      expect(w.length).toBe(info.nVars);
      // circom: its kept wires by name; direct: every signal by name, from a build that also checks it.
      let named = new Map([...circ.symbols].map(([name, i]) => [name, w[i] as bigint]));
      if (backend === "direct") {
        const checked = checkDirect(circ.plan, evaluatePlan(circ.plan, spec.feed(values)));
        expect(checked.failing).toEqual([]);
        expect(checked.witness).toEqual(w);
        named = checked.named;
      }
      seen.set(`${c.key} [${backend}]`, { info, named });
      const other = seen.get(`${c.key} [${backend === "circom" ? "direct" : "circom"}]`);
      if (other) {
        expect(info).toEqual(other.info);
        const [circomNamed, directNamed] = backend === "circom" ? [named, other.named] : [other.named, named];
        expect(differences(circomNamed, directNamed)).toEqual([]);
      }
    });

    it("rejects forged commitments and inputs changed under a kept commitment", async () => {
      for (const { values, w } of witnesses.slice(0, 3)) {
        const y = circ.get(w, "main.y");
        const first = c.inputs[0] as CommittedInput;
        const xs = values[first.name] ?? [];
        const last = xs.length - 1;
        const top = first.lo + pow2(first.bits) - 1n;
        // Another in-range value of element j (the input check still holds: forge re-encodes its bits).
        const other = (j: number) => ((xs[j] as bigint) === top ? top - 1n : (xs[j] as bigint) + 1n);
        const changed = tensorsOf(c, { ...values, [first.name]: xs.map((v, j) => (j === 0 ? other(0) : v)) });
        const forgeries: [string, Record<string, bigint>][] = [
          ["commitment + 1", { "main.y": y + 1n }],
          ["commitment 0", { "main.y": 0n }],
          ["the commitment of other values", { "main.y": commitment(c.role, changed) }],
          ["element 0 changed, commitment kept", { [`main.${first.name}[0]`]: other(0) }],
          ["last element changed, commitment kept", { [`main.${first.name}[${last}]`]: other(last) }],
          [
            "elements 0 and last changed, commitment of them",
            {
              [`main.${first.name}[0]`]: other(0),
              [`main.${first.name}[${last}]`]: other(last),
              "main.y": commitment(c.role, changed),
            },
          ],
        ];
        for (const [what, sig] of forgeries) {
          noteForgery(c.key, backend, what);
          expect((await circ.checkWitness(circ.forge(w, sig))).ok, what).toBe(false);
        }
      }
      expectForgeryGaps(c.key, backend);
    });

    const aliasTitle = c.checked
      ? "rejects an input value lo + 2^bits aliasing its neighbour (by the input range check)"
      : "accepts an input value lo + 2^bits aliasing its neighbour: packing needs the range check";
    it(aliasTitle, async () => {
      const { values, w } = honest();
      const t = c.inputs.find((t) => t.name === c.alias.name) as CommittedInput;
      const { at } = c.alias;
      const xs = values[t.name] ?? [];
      const a = (xs[at] as bigint) + pow2(t.bits);
      const b = (xs[at + 1] as bigint) - 1n;
      // The same packed element: Σ (v − lo)·2^(bits·i) gains 2^(bits·(at + 1)) in slot `at` and loses it
      // in slot at + 1, so every Poseidon input and S-box keeps its value. a is outside [lo, lo + 2^bits).
      expect(Math.floor(at / Math.floor(252 / t.bits))).toBe(Math.floor((at + 1) / Math.floor(252 / t.bits)));
      expect(a >= t.lo + pow2(t.bits)).toBe(true);
      const forged = circ.forge(w, { [`main.${t.name}[${at}]`]: a, [`main.${t.name}[${at + 1}]`]: b });
      expect(circ.get(forged, "main.y")).toBe(circ.get(w, "main.y"));
      // It differs from the honest witness in those two inputs and the re-encoded check bits of the
      // second; Poseidon's rows see the same packed element. With the committed range as the input
      // check, what fails is the first's check: no `bits` boolean bits sum to u + 2^bits. With a wider
      // check (re-encoded too), every constraint holds: another input under the same commitment.
      const res = await circ.checkWitness(forged);
      expect(res.ok).toBe(!c.checked);
      // commitment() refuses the aliasing values: they are outside the range the encoding is injective on.
      const aliasing = { ...values, [t.name]: xs.map((v, j) => (j === at ? a : j === at + 1 ? b : v)) };
      expect(() => commitment(c.role, tensorsOf(c, aliasing))).toThrow(/outside the committed range/);
    });

    it("refuses an input outside the committed range at witness generation", async () => {
      const { values } = honest();
      const t = c.inputs.find((t) => t.name === c.alias.name) as CommittedInput;
      const xs = values[t.name] ?? [];
      const { at } = c.alias;
      const aliasing = {
        ...values,
        [t.name]: xs.map((v, j) => (j === at ? v + pow2(t.bits) : j === at + 1 ? v - 1n : v)),
      };
      if (backend === "direct") {
        // The reference evaluator (the prim's evaluate: commitment()) refuses it, checked or not.
        const err = await circ.calculate(aliasing).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ZkmlError);
        expect((err as ZkmlError).code).toBe("input-out-of-range");
      } else if (c.checked) {
        await expect(circ.calculate(aliasing)).rejects.toThrow(/Assert Failed/);
      } else {
        // circom's witness generator has no such check: without the range check it computes the
        // commitment of the in-range input the values alias, and every constraint holds.
        const w = await circ.calculate(aliasing);
        expect(circ.get(w, "main.y")).toBe(commitment(c.role, tensorsOf(c, values)));
        expect((await circ.checkWitness(w)).ok).toBe(true);
      }
    });

    if (c.mutate)
      it("rejects every single-value change (+1) of any wire, inputs included", async () => {
        expect(await mutationSurvivors(circ, honest().w, [])).toEqual([]);
      });
  });
}

import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as snarkjs from "snarkjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { releaseCurves } from "../6-prove/curve.js";
import { loadWitnessCalculator, witnessToWtns } from "../6-prove/witness.js";
import { checkWitness, readR1csInfo, readSymbols } from "./r1cs.js";
import { type CompiledSource, compileSampleCircuit, sampleOutput } from "./testing.js";

const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
let c: CompiledSource;
let witness: bigint[];
let sym: Map<string, number>;
const input = {
  x: 5n,
  y: 11n,
  a: [
    [2n, 3n],
    [4n, 6n],
  ],
};

beforeAll(async () => {
  c = await compileSampleCircuit({ optimize: 2 });
  const wc = await loadWitnessCalculator(c.wasmPath);
  witness = await wc.calculate(input);
  sym = await readSymbols(c.symPath);
});
afterAll(async () => {
  await releaseCurves();
  await c?.cleanup();
});

const idx = (name: string): number => {
  const i = sym.get(name);
  if (i === undefined) throw new Error(`no signal ${name}`);
  return i;
};
const forge = (name: string, value: bigint): bigint[] => {
  const w = [...witness];
  w[idx(name)] = ((value % P) + P) % P;
  return w;
};

/** snarkjs's `wtns check` on the same witness: an independent implementation to agree with. */
async function snarkjsCheck(w: bigint[]): Promise<boolean> {
  const path = join(c.workDir, "check.wtns");
  await writeFile(path, await witnessToWtns(w, P));
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  return snarkjs.wtns.check(c.r1csPath, path, quiet);
}

describe("readR1csInfo", () => {
  it("reads the header", async () => {
    expect(await readR1csInfo(c.r1csPath)).toEqual({
      nConstraints: 6,
      nVars: 12,
      nOutputs: 5,
      nPubInputs: 1,
      nPrvInputs: 5,
      prime: P,
    });
  });

  it("rejects a file that is not an r1cs", async () => {
    const bad = join(c.workDir, "bad.r1cs");
    await writeFile(bad, "r1cx0000000000000000");
    await expect(readR1csInfo(bad)).rejects.toMatchObject({ code: "corrupt-artifact" });
    await expect(readR1csInfo(join(c.workDir, "none.r1cs"))).rejects.toMatchObject({
      code: "missing-artifact",
    });
  });
});

describe("checkWitness", () => {
  it("accepts the real witness (and snarkjs agrees)", async () => {
    expect(witness[0]).toBe(1n);
    expect(witness[idx("main.z")]).toBe(sampleOutput(input.x, input.y, input.a));
    expect(await checkWitness(c.r1csPath, witness)).toEqual({ ok: true, failing: [] });
    expect(await snarkjsCheck(witness)).toBe(true);
  });

  it("rejects a forged output", async () => {
    const w = forge("main.z", (witness[idx("main.z")] as bigint) + 1n);
    const r = await checkWitness(c.r1csPath, w);
    expect(r.ok).toBe(false);
    expect(r.failing).toHaveLength(1);
    expect(await snarkjsCheck(w)).toBe(false);
  });

  it("rejects a non-boolean bit even when the bit sum is preserved", async () => {
    // y = 11 = 0b1011: bits (1,1,0,1). Replace bits[0]=1, bits[1]=1 by bits[0]=3, bits[1]=0: same sum.
    // (Under O2 y is not in the witness, so the sum constraint is gone; only booleanity catches this.)
    const w = forge("main.bits[0]", 3n);
    w[idx("main.bits[1]")] = 0n;
    const r = await checkWitness(c.r1csPath, w);
    expect(r.ok).toBe(false);
    expect(r.failing.length).toBeGreaterThanOrEqual(1);
    expect(await snarkjsCheck(w)).toBe(false);
  });

  it("rejects a forged product hint", async () => {
    const w = forge("main.p", (witness[idx("main.p")] as bigint) - 1n);
    const r = await checkWitness(c.r1csPath, w);
    expect(r.ok).toBe(false);
    expect(await snarkjsCheck(w)).toBe(false);
  });

  it("reports at most 10 failing constraints", async () => {
    const w = witness.map((v, i) => (i === 0 ? 1n : v + 7n));
    const r = await checkWitness(c.r1csPath, w);
    expect(r.ok).toBe(false);
    expect(r.failing.length).toBeGreaterThan(1);
    expect(r.failing.length).toBeLessThanOrEqual(10);
    expect(r.failing).toEqual([...r.failing].sort((a, b) => a - b));
  });

  it("checks witness[0], the length and the range", async () => {
    // The all-zero assignment satisfies every homogeneous constraint; only witness[0] = 1 rules it out.
    const zeros = witness.map(() => 0n);
    const r0 = await checkWitness(c.r1csPath, zeros);
    expect(r0.ok).toBe(false);
    expect(r0.reason).toMatch(/witness\[0\]/);
    expect(await snarkjsCheck(zeros)).toBe(true); // snarkjs's check does not look at witness[0]
    expect((await checkWitness(c.r1csPath, witness.slice(1))).ok).toBe(false);
    expect((await checkWitness(c.r1csPath, [...witness, 0n])).ok).toBe(false);
    const big = [...witness];
    big[idx("main.z")] = (witness[idx("main.z")] as bigint) + P; // same field element, not canonical
    expect((await checkWitness(c.r1csPath, big)).reason).toMatch(/not in \[0, p\)/);
  });
});

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { releaseCurves } from "../../src/6-prove/curve.js";
import { BN254_R } from "../../src/6-prove/groth16_setup.js";
import type { ProofSystem } from "../../src/6-prove/systems.js";
import { compile } from "../../src/steps/compile.js";
import { calldata, verifyEvm } from "../../src/steps/evm.js";
import { prove } from "../../src/steps/prove.js";
import { setup } from "../../src/steps/setup.js";
import { ROOT, zkmlc } from "../support/cli.js";

const EXAMPLES = {
  mnist: [join(ROOT, "examples/mnist_mlp/model.onnx"), join(ROOT, "examples/mnist_mlp/input.json"), [0, 1]],
  tiny: [join(ROOT, "examples/tiny/model.onnx"), join(ROOT, "examples/tiny/input.json"), [-1, 1]],
} as const;
const tmp = mkdtempSync(join(tmpdir(), "zkmlc-evm-"));
afterAll(async () => {
  await releaseCurves();
  rmSync(tmp, { recursive: true, force: true });
});

/** A copy of the build whose public.json or proof.json is edited. */
function edited(dir: string, system: ProofSystem, file: string, edit: (v: never) => unknown): string {
  const d = mkdtempSync(join(tmp, "edit-"));
  cpSync(dir, d, { recursive: true });
  const path = join(d, system, "proof", file);
  writeFileSync(path, JSON.stringify(edit(JSON.parse(readFileSync(path, "utf8")) as never)));
  return d;
}

// Private inputs, so the public signals are the outputs (10 for MNIST, 2 for tiny). PLONK and FFLONK
// prove MNIST in about a minute and several minutes (their setups and provers pay for every addition),
// so the suite runs them on the tiny model; `zkmlc verify-evm` on MNIST is measured in the README.
describe.each<[ProofSystem, keyof typeof EXAMPLES, number, number]>([
  ["groth16", "mnist", 200_000, 330_000],
  ["plonk", "tiny", 280_000, 340_000],
  ["fflonk", "tiny", 200_000, 270_000],
])("%s Solidity verifier on an in-process EVM (%s)", (system, example, minGas, maxGas) => {
  const dir = join(tmp, system);
  const [model, input, range] = EXAMPLES[example];

  it("passes a valid proof, with the gas of a real transaction", async () => {
    await compile(model, dir, { inputRange: [...range], system });
    await setup(dir);
    await prove(dir, input);
    const r = await verifyEvm(dir);
    expect(r.valid).toBe(true);
    expect(r.gasUsed).toBeGreaterThan(minGas);
    expect(r.gasUsed).toBeLessThan(maxGas);
  });

  it("rejects a tampered proof, a changed output and an output ≥ the field modulus", async () => {
    const words = (await calldata(dir)).args;
    expect(words.length).toBeGreaterThan(0);
    const changed = edited(dir, system, "public.json", (s: string[]) => [
      (BigInt(s[0] ?? 0) + 1n).toString(),
      ...s.slice(1),
    ]);
    expect((await verifyEvm(changed)).valid).toBe(false);
    const wrapped = edited(dir, system, "public.json", (s: string[]) => [
      (BigInt(s[0] ?? 0) + BN254_R).toString(),
      ...s.slice(1),
    ]);
    expect((await verifyEvm(wrapped)).valid).toBe(false);
    const tampered = edited(dir, system, "proof.json", (p: Record<string, unknown>) => tamper(system, p));
    expect((await verifyEvm(tampered)).valid).toBe(false);
  });
});

/** Swap two G1 points of the proof: still on the curve, but not the proof. */
function tamper(system: ProofSystem, p: Record<string, unknown>): Record<string, unknown> {
  if (system === "groth16") return { ...p, pi_a: p.pi_c, pi_c: p.pi_a };
  if (system === "plonk") return { ...p, A: p.B, B: p.A };
  return {
    ...p,
    polynomials: {
      ...(p.polynomials as object),
      C1: (p.polynomials as Record<string, unknown>).C2,
      C2: (p.polynomials as Record<string, unknown>).C1,
    },
  };
}

describe("CLI", () => {
  it("verify-evm prints the gas and exits 0; calldata --hex prints the encoded call", () => {
    const r = zkmlc("verify-evm", join(tmp, "groth16"));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^groth16 on the EVM: valid; verifyProof gas \d+/);
    expect(zkmlc("calldata", join(tmp, "groth16"), "--hex").stdout).toMatch(/^0x[0-9a-f]{8}/);
  });
});

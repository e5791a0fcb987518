import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { releaseCurves } from "../../src/6-prove/curve.js";
import { generateLocalPtauSnarkjs } from "../../src/6-prove/ptau.js";
import type { ProofSystem } from "../../src/6-prove/systems.js";
import { compile } from "../../src/steps/compile.js";
import { prove } from "../../src/steps/prove.js";
import { contribute, setup, verifySetup } from "../../src/steps/setup.js";
import { exportVerifier, verify } from "../../src/steps/verify.js";
import { ROOT } from "../support/cli.js";

const model = join(ROOT, "examples/tiny/model.onnx");
const input = join(ROOT, "examples/tiny/input.json");
const tmp = mkdtempSync(join(tmpdir(), "zkmlc-systems-"));
afterAll(async () => {
  await releaseCurves();
  rmSync(tmp, { recursive: true, force: true });
});

describe.each<ProofSystem>(["plonk", "fflonk"])("%s", (system) => {
  const dir = join(tmp, system);

  it("compiles with --O1, sets up from a local ptau, proves and verifies; a changed output fails", async () => {
    const { settings } = await compile(model, dir, { inputRange: [-1, 1], system });
    expect(settings.circuit.optimization).toBe("O1");
    const s = await setup(dir);
    expect(s.system).toBe(system);
    const p = await prove(dir, input);
    expect(p.system).toBe(system);
    expect(await verify(dir)).toMatchObject({ valid: true });
    const bad = mkdtempSync(join(tmp, `${system}-bad-`));
    cpSync(dir, bad, { recursive: true });
    const pub = JSON.parse(readFileSync(join(bad, system, "proof", "public.json"), "utf8")) as string[];
    writeFileSync(
      join(bad, system, "proof", "public.json"),
      JSON.stringify([(BigInt(pub[0] ?? 0) + 1n).toString(), ...pub.slice(1)]),
    );
    expect((await verify(bad)).valid).toBe(false);
    expect(readFileSync((await exportVerifier(dir)).path, "utf8")).toMatch(/contract \w+Verifier/);
  });

  it("reuses the cached keys of an unchanged circuit", async () => {
    const again = await setup(dir);
    expect(again.cached).toBe(true);
    await prove(dir, input);
    expect((await verify(dir)).valid).toBe(true);
  });
});

describe("ceremony powers of tau (made with snarkjs's own ceremony commands)", () => {
  const dir = join(tmp, "ceremony");
  const ptau = join(tmp, "ceremony_pot8.ptau");

  it("works end to end with --ptau, and setup --verify accepts it, also after contributions and a beacon", async () => {
    await generateLocalPtauSnarkjs(8, ptau, () => {});
    await compile(model, dir, { inputRange: [-1, 1] });
    const s = await setup(dir, { ptau });
    expect(s.developmentOnly).toBe(false);
    expect(s.keys.ptau.sha256).toMatch(/^[0-9a-f]{64}$/);
    await prove(dir, input);
    expect((await verify(dir)).valid).toBe(true);
    expect((await verifySetup(dir)).ok).toBe(true);

    const c = await contribute(dir, { entropy: "a second party's entropy" });
    expect(c.contributions).toBe(2);
    // The proof made before the contribution says why it no longer verifies.
    expect(await verify(dir)).toMatchObject({
      valid: false,
      reason: expect.stringMatching(/made with another groth16 key .*1 phase-2 contribution.*now 2 phase-2/),
    });
    const b = await contribute(dir, {
      beacon: "0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
      beaconIterations: 10,
    });
    expect(b.beacon).toBe(true);
    expect((await verifySetup(dir)).ok).toBe(true);
    await expect(prove(dir, input)).resolves.toBeDefined();
    expect((await verify(dir)).valid).toBe(true);
  });

  it("refuses to verify local development keys, and refuses PLONK contributions", async () => {
    expect((await verifySetup(join(tmp, "plonk"))).ok).toBe(false);
    await expect(contribute(join(tmp, "plonk"), { system: "plonk" })).rejects.toMatchObject({
      code: "bad-input",
    });
  });
});

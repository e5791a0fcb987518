import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import * as snarkjs from "snarkjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readR1csInfo, readSymbols } from "../5-compile/r1cs.js";
import { type CompiledSource, compileSampleCircuit } from "../5-compile/testing.js";
import { liveCurveCount, releaseCurves } from "./curve.js";
import { groth16Prove } from "./groth16_prove.js";
import { groth16Setup } from "./groth16_setup.js";
import { groth16Verify } from "./groth16_verify.js";
import {
  cacheDir,
  circuitPower,
  ensureLocalPtau,
  inspectPtau,
  localPtauName,
  requiredPower,
} from "./ptau.js";
import { exportSolidityVerifier } from "./verifier_export.js";
import { loadWitnessCalculator, witnessToWtns, writeWtns } from "./witness.js";

const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
let cache: string;
let c: CompiledSource;
const savedCache = process.env.ZKMLC_CACHE;

beforeAll(async () => {
  cache = await mkdtemp(join(tmpdir(), "zkmlc-cache-test-"));
  process.env.ZKMLC_CACHE = cache;
  c = await compileSampleCircuit({ optimize: 2 });
});
afterAll(async () => {
  await releaseCurves();
  expect(liveCurveCount()).toBe(0);
  if (savedCache === undefined) delete process.env.ZKMLC_CACHE;
  else process.env.ZKMLC_CACHE = savedCache;
  await c?.cleanup();
  if (cache) await rm(cache, { recursive: true, force: true });
});

describe("requiredPower", () => {
  it("is the smallest c with nConstraints + nPublic + 1 <= 2^c, at least 8", () => {
    expect(requiredPower(0, 0)).toBe(8);
    expect(requiredPower(255, 0)).toBe(8);
    expect(requiredPower(255, 1)).toBe(9);
    expect(requiredPower(4094, 1)).toBe(12);
    expect(requiredPower(4095, 1)).toBe(13);
    expect(requiredPower(70_000, 10)).toBe(17);
    expect(circuitPower(6, 6)).toBe(4); // the sample circuit: 6 + 6 + 1 = 13 <= 16
  });
  it("reads the cache directory from ZKMLC_CACHE", () => {
    expect(cacheDir()).toBe(cache);
  });
});

describe("Groth16 round trip", () => {
  let ptau: string;
  let zkey: string;
  let vkey: Record<string, unknown>;
  let proof: Record<string, unknown>;
  let publicSignals: string[];

  it("makes a local 2^8 ptau once, even when asked twice at the same time", async () => {
    const log: string[] = [];
    const [a, b] = await Promise.all([
      ensureLocalPtau(8, { logger: (s) => log.push(s) }),
      ensureLocalPtau(8, { logger: (s) => log.push(s) }),
    ]);
    expect(a.path).toBe(join(cache, localPtauName(8)));
    expect(b.path).toBe(a.path);
    expect([a.cached, b.cached].sort()).toEqual([false, true]);
    expect(log.some((l) => l.startsWith("waiting for another process"))).toBe(true);
    expect(await inspectPtau(a.path)).toEqual({ power: 8, ceremonyPower: 8, prepared: true });
    const again = await ensureLocalPtau(8);
    expect(again).toEqual({ path: a.path, cached: true, power: 8 });
    // A smaller request reuses the larger prepared file.
    expect(await ensureLocalPtau(5)).toEqual({ path: a.path, cached: true, power: 8 });
    ptau = a.path;
  });

  it("breaks a stale lock and never leaves temporary files", async () => {
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    await writeFile(join(cache, "local_pot3.lock"), JSON.stringify({ pid: dead, host: hostname(), time: 0 }));
    const r = await ensureLocalPtau(3, { allowLarger: false });
    expect(r).toEqual({ path: join(cache, localPtauName(3)), cached: false, power: 3 });
    expect(existsSync(join(cache, "local_pot3.lock"))).toBe(false);
    expect((await readdir(cache)).sort()).toEqual([localPtauName(3), localPtauName(8)]);
  });

  it("sets up a zkey with a phase-2 contribution", async () => {
    zkey = join(c.workDir, "circuit.zkey");
    const vkeyPath = join(c.workDir, "verification_key.json");
    const r = await groth16Setup({ r1csPath: c.r1csPath, ptauPath: ptau, zkeyPath: zkey, vkeyPath });
    expect(r.zkeyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(r.vkeyHash).toMatch(/^[0-9a-f]{64}$/);
    expect((await stat(zkey)).size).toBeGreaterThan(1000);
    vkey = JSON.parse(await readFile(vkeyPath, "utf8"));
    expect(vkey.protocol).toBe("groth16");
    expect(vkey.nPublic).toBe(6); // 5 outputs + 1 public input
    expect(vkey.vk_delta_2).not.toEqual(vkey.vk_gamma_2); // delta != 1: the contribution happened
    // A second setup gives different keys (fresh entropy).
    const z2 = join(c.workDir, "second.zkey");
    const r2 = await groth16Setup({
      r1csPath: c.r1csPath,
      ptauPath: ptau,
      zkeyPath: z2,
      vkeyPath: `${z2}.json`,
    });
    expect(r2.zkeyHash).not.toBe(r.zkeyHash);
    expect(r2.vkeyHash).not.toBe(r.vkeyHash);
  });

  it("proves and verifies", async () => {
    const wc = await loadWitnessCalculator(c.wasmPath);
    const wtns = await wc.calculateWtns({
      x: 5n,
      y: 11n,
      a: [
        [2n, 3n],
        [4n, 6n],
      ],
    });
    const r = await groth16Prove(zkey, wtns);
    proof = r.proof as Record<string, unknown>;
    publicSignals = r.publicSignals;
    // public signals: outputs (z, bits) then the public input x
    expect(publicSignals).toEqual([String(55n + 12n + 15n + 1n + 2n + 6n), "1", "1", "0", "1", "5"]);
    expect(await groth16Verify(vkey, publicSignals, proof)).toBe(true);
    // the same witness from a file
    const path = join(c.workDir, "witness.wtns");
    await writeWtns(path, wtns);
    const r2 = await groth16Prove(zkey, path);
    expect(r2.publicSignals).toEqual(publicSignals);
    expect(await groth16Verify(vkey, r2.publicSignals, r2.proof)).toBe(true);
  });

  it("rejects tampered proofs and public signals without throwing", async () => {
    const pi_a = proof.pi_a as string[];
    const pi_c = proof.pi_c as string[];
    const bump = (s: string) => ((BigInt(s) + 1n) % P).toString();
    expect(
      await groth16Verify(vkey, publicSignals, { ...proof, pi_a: [bump(pi_a[0] ?? "0"), ...pi_a.slice(1)] }),
    ).toBe(false);
    expect(await groth16Verify(vkey, publicSignals, { ...proof, pi_a: pi_c, pi_c: pi_a })).toBe(false);
    const pub = [...publicSignals];
    pub[0] = bump(pub[0] ?? "0");
    expect(await groth16Verify(vkey, pub, proof)).toBe(false);
    const x = [...publicSignals];
    x[5] = "6";
    expect(await groth16Verify(vkey, x, proof)).toBe(false);
    // x + p is the same field element but not a canonical signal
    const wrapped = [...publicSignals];
    wrapped[5] = (5n + P).toString();
    expect(await groth16Verify(vkey, wrapped, proof)).toBe(false);
    expect(await groth16Verify(vkey, publicSignals.slice(0, 5), proof)).toBe(false);
    expect(await groth16Verify(vkey, [...publicSignals, "0"], proof)).toBe(false);
    expect(await groth16Verify(vkey, publicSignals, {})).toBe(false);
    expect(await groth16Verify(vkey, ["a", "b", "c", "d", "e", "f"], proof)).toBe(false);
    expect(await groth16Verify({}, publicSignals, proof)).toBe(false);
    expect(await groth16Verify(vkey, publicSignals, { ...proof, pi_b: [["x"]] })).toBe(false);
  });

  it("a proof from a forged witness does not verify", async () => {
    const wc = await loadWitnessCalculator(c.wasmPath);
    const w = await wc.calculate({
      x: 5n,
      y: 11n,
      a: [
        [2n, 3n],
        [4n, 6n],
      ],
    });
    const zi = (await readSymbols(c.symPath)).get("main.z") ?? -1;
    w[zi] = (w[zi] as bigint) + 1n;
    const r = await groth16Prove(zkey, await witnessToWtns(w, P));
    expect(r.publicSignals[0]).toBe("92"); // the forged output is what the proof claims
    expect(await groth16Verify(vkey, r.publicSignals, r.proof)).toBe(false);
  });

  it("exports the Solidity verifier", async () => {
    const sol = await exportSolidityVerifier(vkey);
    expect(sol).toContain("contract Groth16Verifier");
    expect(sol).toContain("function verifyProof");
    expect(sol).toContain("IC6x"); // one IC point per public signal, IC0..IC6
    expect(sol).not.toContain("IC7x");
  });

  it("reports setup and proving failures", async () => {
    const vk = join(c.workDir, "vk.json");
    // too small: the sample circuit needs 2^4, the 2^3 ptau has room for 8 rows
    const small = join(cache, localPtauName(3));
    await expect(
      groth16Setup({
        r1csPath: c.r1csPath,
        ptauPath: small,
        zkeyPath: join(c.workDir, "s.zkey"),
        vkeyPath: vk,
      }),
    ).rejects.toMatchObject({ code: "setup-failed", message: expect.stringMatching(/power 4/) });
    // not prepared
    const raw = join(c.workDir, "raw.ptau");
    const curve = await snarkjs.curves.getCurveFromName("bn128");
    await snarkjs.powersOfTau.newAccumulator(curve, 5, raw);
    expect((await inspectPtau(raw)).prepared).toBe(false);
    await expect(
      groth16Setup({
        r1csPath: c.r1csPath,
        ptauPath: raw,
        zkeyPath: join(c.workDir, "u.zkey"),
        vkeyPath: vk,
      }),
    ).rejects.toMatchObject({ code: "setup-failed", message: expect.stringMatching(/not prepared/) });
    // truncated
    const cut = join(c.workDir, "cut.ptau");
    await copyFile(ptau, cut);
    await truncate(cut, (await stat(cut)).size - 100);
    await expect(inspectPtau(cut)).rejects.toMatchObject({ code: "corrupt-artifact" });
    await expect(
      groth16Setup({
        r1csPath: c.r1csPath,
        ptauPath: cut,
        zkeyPath: join(c.workDir, "t.zkey"),
        vkeyPath: vk,
      }),
    ).rejects.toMatchObject({ code: "corrupt-artifact" });
    expect(existsSync(join(c.workDir, "s.zkey"))).toBe(false);
    expect(existsSync(join(c.workDir, "u.zkey"))).toBe(false);
    // a witness of another circuit
    await expect(groth16Prove(zkey, await witnessToWtns([1n, 2n, 3n], P))).rejects.toMatchObject({
      code: "prove-failed",
    });
    await expect(groth16Prove(join(c.workDir, "none.zkey"), "x.wtns")).rejects.toMatchObject({
      code: "missing-artifact",
    });
    expect((await readR1csInfo(c.r1csPath)).nConstraints).toBe(6);
  });
});

import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as snarkjs from "snarkjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CompiledSource, compileCircuitSource, compileSampleCircuit } from "../5-compile/testing.js";
import { ZkmlError } from "../errors.js";
import { openBinFile } from "./binfile.js";
import { liveCurveCount, releaseCurves } from "./curve.js";
import {
  devDomainPower,
  type Groth16DevSecrets,
  groth16DevSetup,
  writeGroth16DevZkey,
} from "./groth16_dev.js";
import { groth16Prove } from "./groth16_prove.js";
import { groth16Verify } from "./groth16_verify.js";
import { writeFastPtau } from "./ptau_fast.js";
import { loadWitnessCalculator, witnessToWtns } from "./witness.js";

const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

function powMod(b: bigint, e: bigint): bigint {
  let acc = 1n;
  let x = b % R;
  for (let k = e; k > 0n; k >>= 1n) {
    if (k & 1n) acc = (acc * x) % R;
    x = (x * x) % R;
  }
  return acc;
}
const inv = (a: bigint) => powMod(a, R - 2n);

/** The parts of snarkjs's (ffjavascript's) curve object this test uses. */
interface TestGroup {
  oneAffine: Uint8Array;
  batchApplyKey(buff: Uint8Array, first: bigint, inc: bigint): Promise<Uint8Array>;
}
interface TestCurve {
  G1: TestGroup;
  G2: TestGroup;
}

// Two public inputs (a, b), two outputs (x, y), wires that appear only in A, B or C.
const MULTI = `pragma circom 2.1.0;
template M() {
  signal input a;
  signal input b;
  signal input c;
  signal input d;
  signal output x;
  signal output y;
  signal t <== a * b;
  signal u <== t * c + d;
  x <== u * u;
  y <== a + b * d;
}
component main {public [a, b]} = M();
`;
// Enough wires and rows for several worker jobs per section (4096 G1 / 2048 G2 points each).
const CHAIN = `pragma circom 2.1.0;
template Chain(N) {
  signal input x0;
  signal input c;
  signal output y;
  signal x[N + 1];
  x[0] <== x0;
  for (var i = 0; i < N; i++) x[i + 1] <== x[i] * x[i] + c;
  y <== x[N];
}
component main {public [c]} = Chain(4500);
`;
const MULTI_INPUT = { a: 3n, b: 5n, c: 7n, d: 11n };
// u = 3*5*7 + 11 = 116: x = 13456, y = 3 + 55 = 58; public signals [x, y, a, b]
const MULTI_PUBLIC = ["13456", "58", "3", "5"];

const SAMPLE_INPUT = {
  x: 5n,
  y: 11n,
  a: [
    [2n, 3n],
    [4n, 6n],
  ],
};

const FIXED = {
  tau: 0x1234567890abcdef1122334455667788990011223344556677889900aabbccn % R,
  alpha: 0x0fedcba987654321ffeeddccbbaa99887766554433221100ffeeddccbbaa99n % R,
  beta: R - 5n,
};

let dir: string;
let sample: CompiledSource;
let multi: CompiledSource;
let chain: CompiledSource;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "zkmlc-groth16-dev-"));
  [sample, multi, chain] = await Promise.all([
    compileSampleCircuit({ optimize: 2 }),
    compileCircuitSource(MULTI, { optimize: 2 }),
    compileCircuitSource(CHAIN, { optimize: 2 }),
  ]);
});
afterAll(async () => {
  await releaseCurves();
  expect(liveCurveCount()).toBe(0);
  await sample?.cleanup();
  await multi?.cleanup();
  await chain?.cleanup();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function zkeySections(path: string): Promise<Map<number, Buffer>> {
  const bytes = await readFile(path);
  const f = await openBinFile(path, "zkey", "zkey", "");
  await f.close();
  const out = new Map<number, Buffer>();
  for (const [id, list] of f.sections) {
    expect(list.length, `section ${id} appears once`).toBe(1);
    const s = list[0];
    if (s) out.set(id, bytes.subarray(s.pos, s.pos + s.size));
  }
  return out;
}

function sec(m: Map<number, Buffer>, id: number): Buffer {
  const b = m.get(id);
  if (!b) throw new Error(`no section ${id}`);
  return b;
}

async function r1csCounts(c: CompiledSource): Promise<{ nConstraints: number; nPublic: number }> {
  const { readR1csInfo } = await import("../5-compile/r1cs.js");
  const i = await readR1csInfo(c.r1csPath);
  return { nConstraints: i.nConstraints, nPublic: i.nOutputs + i.nPubInputs };
}

/** snarkjs's `zkey new` from a directly written prepared ptau of the given power with FIXED's τ, α, β. */
async function snarkjsZkey(c: CompiledSource, name: string, ptauPower: number): Promise<Map<number, Buffer>> {
  const ptau = join(dir, `${name}.ptau`);
  const zkey = join(dir, `${name}.snarkjs.zkey`);
  await writeFastPtau(ptauPower, ptau, { secrets: FIXED });
  const errors: string[] = [];
  const logger = { debug() {}, info() {}, warn() {}, error: (m: string) => errors.push(m) };
  await snarkjs.zKey.newZKey(c.r1csPath, ptau, zkey, logger);
  expect(errors).toEqual([]);
  return zkeySections(zkey);
}

async function devZkey(c: CompiledSource, name: string, s: Groth16DevSecrets): Promise<Map<number, Buffer>> {
  const zkey = join(dir, `${name}.dev.zkey`);
  await writeGroth16DevZkey(c.r1csPath, zkey, { secrets: s });
  return zkeySections(zkey);
}

describe("a directly written Groth16 zkey", () => {
  const circuits = () => ({ sample, multi, chain });

  it.each(["sample", "multi", "chain"] as const)(
    "with γ = δ = 1 equals snarkjs's `zkey new` section by section (%s circuit)",
    async (which) => {
      const c = circuits()[which];
      const { nConstraints, nPublic } = await r1csCounts(c);
      const power = devDomainPower(nConstraints, nPublic);
      // A ptau one power larger than the circuit needs: its Lagrange level power+1 is exact.
      const expected = await snarkjsZkey(c, `${which}-eq`, power + 1);
      const got = await devZkey(c, `${which}-eq`, { ...FIXED, gamma: 1n, delta: 1n });
      expect([...got.keys()].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect([...expected.keys()].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      for (let id = 1; id <= 9; id++) {
        expect(sec(got, id).equals(sec(expected, id)), `section ${id}`).toBe(true);
      }
      // Section 10: a 64-byte hash and no contributions, like `zkey new`'s.
      expect(sec(got, 10).length).toBe(68);
      expect(sec(expected, 10).length).toBe(68);
      expect(sec(got, 10).readUInt32LE(64)).toBe(0);
      // The domain snarkjs chose: header field domainSize.
      expect(sec(got, 2).readUInt32LE(80)).toBe(2 ** power);
    },
  );

  it("differs from `zkey new` with a ptau of exactly the circuit's power in the H points only", async () => {
    const { nConstraints, nPublic } = await r1csCounts(multi);
    const power = devDomainPower(nConstraints, nPublic);
    const expected = await snarkjsZkey(multi, "multi-tight", power);
    const got = await devZkey(multi, "multi-tight", { ...FIXED, gamma: 1n, delta: 1n });
    for (let id = 1; id <= 8; id++)
      expect(sec(got, id).equals(sec(expected, id)), `section ${id}`).toBe(true);
    expect(sec(got, 9).equals(sec(expected, 9))).toBe(false);
  });

  it("with γ, δ ≠ 1 is `zkey new`'s with IC/γ, C/δ, H/δ, γ·G2, δ·G1, δ·G2 (what `zkey contribute` does for δ)", async () => {
    const c = multi;
    const { nConstraints, nPublic } = await r1csCounts(c);
    const power = devDomainPower(nConstraints, nPublic);
    const gamma = 0x5555aaaa5555aaaa1234n;
    const delta = R - 0x1234567n;
    const base = await snarkjsZkey(c, "multi-delta", power + 1);
    const got = await devZkey(c, "multi-delta", { ...FIXED, gamma, delta });
    const curve = (await snarkjs.curves.getCurveFromName("bn128")) as unknown as TestCurve;
    const key = async (g: TestGroup, b: Uint8Array, s: bigint) =>
      Buffer.from(await g.batchApplyKey(b, s, 1n));
    for (const id of [1, 4, 5, 6, 7]) expect(sec(got, id).equals(sec(base, id)), `section ${id}`).toBe(true);
    expect(sec(got, 3).equals(await key(curve.G1, sec(base, 3), inv(gamma))), "IC").toBe(true);
    expect(sec(got, 8).equals(await key(curve.G1, sec(base, 8), inv(delta))), "C").toBe(true);
    expect(sec(got, 9).equals(await key(curve.G1, sec(base, 9), inv(delta))), "H").toBe(true);
    // Header: sizes, α1, β1, β2 unchanged; then γ2, δ1, δ2.
    const h = sec(got, 2);
    const hb = sec(base, 2);
    const o = 84;
    expect(h.subarray(0, o + 256).equals(hb.subarray(0, o + 256))).toBe(true);
    expect(h.subarray(o + 256, o + 384).equals(await key(curve.G2, curve.G2.oneAffine, gamma)), "γ2").toBe(
      true,
    );
    expect(h.subarray(o + 384, o + 448).equals(await key(curve.G1, curve.G1.oneAffine, delta)), "δ1").toBe(
      true,
    );
    expect(h.subarray(o + 448, o + 576).equals(await key(curve.G2, curve.G2.oneAffine, delta)), "δ2").toBe(
      true,
    );
  });

  it("proves and verifies with fixed γ, δ ≠ 1 (and snarkjs's vkey export reads it)", async () => {
    const zkeyPath = join(dir, "fixed.zkey");
    const vkeyPath = join(dir, "fixed.vkey.json");
    await groth16DevSetup({
      r1csPath: multi.r1csPath,
      zkeyPath,
      vkeyPath,
      secrets: { ...FIXED, gamma: 7n, delta: 11n },
    });
    const vkey = JSON.parse(await readFile(vkeyPath, "utf8"));
    const wc = await loadWitnessCalculator(multi.wasmPath);
    const { proof, publicSignals } = await groth16Prove(zkeyPath, await wc.calculateWtns(MULTI_INPUT));
    expect(publicSignals).toEqual(MULTI_PUBLIC);
    expect(await groth16Verify(vkey, publicSignals, proof)).toBe(true);
  });

  it("gives the same bytes with any number of worker threads", async () => {
    const a = join(dir, "threads1.zkey");
    const b = join(dir, "threads3.zkey");
    const secrets = { ...FIXED, gamma: 3n, delta: 5n };
    await writeGroth16DevZkey(chain.r1csPath, a, { secrets, threads: 1 });
    await writeGroth16DevZkey(chain.r1csPath, b, { secrets, threads: 3 });
    expect((await readFile(a)).equals(await readFile(b))).toBe(true);
  });

  it("gives the same bytes when the constraints are streamed through a small window", async () => {
    // Large circuits do not fit the main thread's WebAssembly memory whole (1 GB of constraints at 2^22).
    const a = join(dir, "whole.zkey");
    const b = join(dir, "window.zkey");
    const secrets = { ...FIXED, gamma: 3n, delta: 5n };
    await writeGroth16DevZkey(chain.r1csPath, a, { secrets });
    await writeGroth16DevZkey(chain.r1csPath, b, { secrets, window: { constraints: 1, coefficients: 7 } });
    expect((await readFile(a)).equals(await readFile(b))).toBe(true);
  });

  it("refuses unusable secrets", async () => {
    const path = join(dir, "bad.zkey");
    const omega = powMod(5n, (R - 1n) / 4n); // order 4: in every domain of size ≥ 4
    for (const s of [
      { ...FIXED, tau: 0n, gamma: 1n, delta: 1n },
      { ...FIXED, tau: 1n, gamma: 1n, delta: 1n },
      { ...FIXED, tau: omega, gamma: 1n, delta: 1n },
      { ...FIXED, gamma: 0n, delta: 1n },
      { ...FIXED, gamma: 1n, delta: R },
    ]) {
      await expect(writeGroth16DevZkey(multi.r1csPath, path, { secrets: s })).rejects.toThrow(/unusable/);
    }
  });

  it("domain power follows zkey_new.js: floor(log2(nConstraints + nPublic)) + 1", () => {
    expect(devDomainPower(0, 0)).toBe(1);
    expect(devDomainPower(1, 0)).toBe(1);
    expect(devDomainPower(6, 6)).toBe(4);
    expect(devDomainPower(10, 6)).toBe(5);
    expect(devDomainPower(65_000, 2)).toBe(16);
    expect(devDomainPower(65_534, 2)).toBe(17);
  });
});

describe("groth16DevSetup with random secrets", () => {
  const cases = [
    {
      name: "sample (1 public input, 5 outputs)",
      c: () => sample,
      input: SAMPLE_INPUT as Record<string, unknown>,
      tamper: 5,
    },
    {
      name: "2 public inputs, 2 outputs",
      c: () => multi,
      input: MULTI_INPUT as Record<string, unknown>,
      tamper: 1,
    },
  ];
  it.each(cases)(
    "sets up, proves and verifies: $name; a tampered public signal fails",
    async ({ c, input, tamper }) => {
      const circuit = c();
      const sub = await mkdtemp(join(dir, "e2e-"));
      const zkeyPath = join(sub, "circuit.zkey");
      const vkeyPath = join(sub, "verification_key.json");
      const log: string[] = [];
      const r = await groth16DevSetup({
        r1csPath: circuit.r1csPath,
        zkeyPath,
        vkeyPath,
        logger: (l) => log.push(l),
      });
      expect(r.zkeyHash).toMatch(/^[0-9a-f]{64}$/);
      expect(r.vkeyHash).toMatch(/^[0-9a-f]{64}$/);
      expect((await readdir(sub)).sort()).toEqual(["circuit.zkey", "verification_key.json"]);
      expect(log.join("\n")).toMatch(/groth16 dev setup: zkey/);
      const vkey = JSON.parse(await readFile(vkeyPath, "utf8"));
      expect(vkey.protocol).toBe("groth16");
      expect(vkey.vk_delta_2).not.toEqual(vkey.vk_gamma_2);
      const { nPublic } = await r1csCounts(circuit);
      expect(vkey.nPublic).toBe(nPublic);
      expect(vkey).toEqual(await snarkjs.zKey.exportVerificationKey(zkeyPath));

      const wc = await loadWitnessCalculator(circuit.wasmPath);
      const { proof, publicSignals } = await groth16Prove(zkeyPath, await wc.calculateWtns(input));
      expect(await groth16Verify(vkey, publicSignals, proof)).toBe(true);
      const tampered = [...publicSignals];
      tampered[tamper] = (BigInt(tampered[tamper] ?? "0") + 1n).toString();
      expect(await groth16Verify(vkey, tampered, proof)).toBe(false);
      // A witness that breaks a constraint (last wire changed, public signals kept) gives a proof that
      // fails: the key binds the constraints, not only the public rows.
      const w = await wc.calculate(input);
      w[w.length - 1] = (w[w.length - 1] ?? 0n) + 1n;
      const bad = await groth16Prove(zkeyPath, await witnessToWtns(w, wc.prime));
      expect(bad.publicSignals).toEqual(publicSignals);
      expect(await groth16Verify(vkey, bad.publicSignals, bad.proof)).toBe(false);

      // Fresh secrets every time: a second setup gives other keys.
      const r2 = await groth16DevSetup({
        r1csPath: circuit.r1csPath,
        zkeyPath: join(sub, "second.zkey"),
        vkeyPath: join(sub, "second.json"),
      });
      expect(r2.zkeyHash).not.toBe(r.zkeyHash);
      expect(r2.vkeyHash).not.toBe(r.vkeyHash);
    },
  );

  it("reports a missing r1cs as missing-artifact", async () => {
    const err = await groth16DevSetup({
      r1csPath: join(dir, "nope.r1cs"),
      zkeyPath: join(dir, "nope.zkey"),
      vkeyPath: join(dir, "nope.json"),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZkmlError);
    expect((err as ZkmlError).code).toBe("missing-artifact");
  });
});

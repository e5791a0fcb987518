import { mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as snarkjs from "snarkjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CompiledSource, compileSampleCircuit } from "../5-compile/testing.js";
import { ZkmlError } from "../errors.js";
import { openBinFile } from "./binfile.js";
import { liveCurveCount, releaseCurves } from "./curve.js";
import { groth16Prove } from "./groth16_prove.js";
import { groth16Setup } from "./groth16_setup.js";
import { groth16Verify } from "./groth16_verify.js";
import { generateLocalPtau, inspectPtau } from "./ptau.js";
import { chooseWindow, MAX_FAST_POWER, type PtauSecrets, sampleSecrets, writeFastPtau } from "./ptau_fast.js";
import { loadWitnessCalculator } from "./witness.js";

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

/** The parts of snarkjs's (ffjavascript's) curve object this test uses. */
interface TestCurve {
  G1: TestGroup;
  G2: TestGroup;
}
interface TestGroup {
  oneAffine: Uint8Array;
  batchApplyKey(buff: Uint8Array, first: bigint, inc: bigint): Promise<Uint8Array>;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "zkmlc-ptau-fast-"));
});
afterAll(async () => {
  await releaseCurves();
  expect(liveCurveCount()).toBe(0);
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function sections(path: string): Promise<Map<number, Buffer>> {
  const bytes = await readFile(path);
  const f = await openBinFile(path, "ptau", "ptau", "");
  await f.close();
  const out = new Map<number, Buffer>();
  for (const [id, list] of f.sections) {
    const s = list[0];
    if (s) out.set(id, bytes.subarray(s.pos, s.pos + s.size));
  }
  return out;
}

// Fixed secrets (large, "random-looking" values, and small ones).
const SECRETS: PtauSecrets[] = [
  {
    tau: 0x1234567890abcdef1122334455667788990011223344556677889900aabbccn % R,
    alpha: 0x0fedcba987654321ffeeddccbbaa99887766554433221100ffeeddccbbaa99n % R,
    beta: R - 5n,
  },
  { tau: 2n, alpha: 3n, beta: 1n },
];

describe("a directly written powers of tau", () => {
  it("has sections 2-6 equal to what snarkjs's contribute computes for the same τ, α, β", async () => {
    const power = 6;
    const n = 2 ** power;
    const s = SECRETS[0] as PtauSecrets;
    const path = join(dir, "unprepared6.ptau");
    await writeFastPtau(power, path, { secrets: s, prepared: false });
    const got = await sections(path);
    // powersoftau_contribute.js: G.batchApplyKey(points of the previous file, first, inc); the
    // previous file here is a new accumulator, whose points are all the generator.
    const curve = (await snarkjs.curves.getCurveFromName("bn128")) as unknown as TestCurve;
    const copies = (g: TestGroup, k: number) => {
      const b = new Uint8Array(k * g.oneAffine.length);
      for (let i = 0; i < k; i++) b.set(g.oneAffine, i * g.oneAffine.length);
      return b;
    };
    const expected: Array<[number, Uint8Array]> = [
      [2, await curve.G1.batchApplyKey(copies(curve.G1, 2 * n - 1), 1n, s.tau)],
      [3, await curve.G2.batchApplyKey(copies(curve.G2, n), 1n, s.tau)],
      [4, await curve.G1.batchApplyKey(copies(curve.G1, n), s.alpha, s.tau)],
      [5, await curve.G1.batchApplyKey(copies(curve.G1, n), s.beta, s.tau)],
      [6, await curve.G2.batchApplyKey(copies(curve.G2, 1), s.beta, s.tau)],
    ];
    for (const [id, bytes] of expected) {
      expect(Buffer.from(bytes).equals(got.get(id) ?? Buffer.alloc(0)), `section ${id}`).toBe(true);
    }
    expect([...got.keys()].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(got.get(7)).toEqual(Buffer.alloc(4)); // no contribution records
  });

  it.each([
    [1, 0],
    [3, 1],
    [6, 0],
    [8, 1],
  ])(
    "at power %i is byte-for-byte snarkjs's preparePhase2 of its own sections 1-7 (secrets %i)",
    async (power, which) => {
      const s = SECRETS[which] as PtauSecrets;
      const unprepared = join(dir, `u${power}.ptau`);
      const direct = join(dir, `d${power}.ptau`);
      const viaSnarkjs = join(dir, `s${power}.ptau`);
      await writeFastPtau(power, unprepared, { secrets: s, prepared: false });
      await writeFastPtau(power, direct, { secrets: s });
      await snarkjs.powersOfTau.preparePhase2(unprepared, viaSnarkjs);
      const a = await readFile(direct);
      const b = await readFile(viaSnarkjs);
      expect(a.length).toBe(b.length);
      expect(a.equals(b)).toBe(true);
      expect(await inspectPtau(direct)).toEqual({ power, ceremonyPower: power, prepared: true });
    },
  );

  it("gives the same bytes with any number of threads and window widths", async () => {
    const s = SECRETS[0] as PtauSecrets;
    const a = join(dir, "t1.ptau");
    const b = join(dir, "t3.ptau");
    await writeFastPtau(5, a, { secrets: s, threads: 1, windows: { G1: 3, G2: 12 } });
    await writeFastPtau(5, b, { secrets: s, threads: 3, windows: { G1: 13, G2: 4 } });
    expect((await readFile(a)).equals(await readFile(b))).toBe(true);
  });

  it("refuses unusable secrets and powers", async () => {
    const path = join(dir, "bad.ptau");
    // A root of unity of order 8 lies in the size-8 domain (and in every larger one).
    const omega8 = powMod(5n, (R - 1n) / 8n);
    expect(powMod(omega8, 4n)).toBe(R - 1n);
    await expect(writeFastPtau(4, path, { secrets: { tau: 0n, alpha: 1n, beta: 1n } })).rejects.toThrow(
      /unusable/,
    );
    await expect(writeFastPtau(4, path, { secrets: { tau: 1n, alpha: 1n, beta: 1n } })).rejects.toThrow(
      /unusable/,
    );
    await expect(writeFastPtau(4, path, { secrets: { tau: R - 1n, alpha: 1n, beta: 1n } })).rejects.toThrow(
      /unusable/,
    );
    await expect(writeFastPtau(4, path, { secrets: { tau: omega8, alpha: 1n, beta: 1n } })).rejects.toThrow(
      /unusable/,
    );
    await expect(writeFastPtau(4, path, { secrets: { tau: 5n, alpha: 0n, beta: 1n } })).rejects.toThrow(
      /unusable/,
    );
    await expect(writeFastPtau(0, path)).rejects.toThrow(/power/);
    await expect(writeFastPtau(MAX_FAST_POWER + 1, path)).rejects.toThrow(/power/);
  });

  it("samples non-zero secrets with τ outside every FFT domain", () => {
    for (let i = 0; i < 20; i++) {
      const s = sampleSecrets(10);
      for (const v of [s.tau, s.alpha, s.beta]) {
        expect(v > 0n && v < R).toBe(true);
      }
    }
    const a = sampleSecrets(10);
    const b = sampleSecrets(10);
    expect(a.tau).not.toBe(b.tau);
  });

  it("chooses wider windows for more points, within the table size cap", () => {
    expect(chooseWindow(100, 64)).toBeLessThan(chooseWindow(1_000_000, 64));
    expect(chooseWindow(10_000_000, 128)).toBeLessThanOrEqual(chooseWindow(10_000_000, 64));
    const w = chooseWindow(1e9, 128);
    expect(Math.ceil(255 / w) * 2 ** (w - 1) * 128).toBeLessThanOrEqual(40 * 1024 * 1024);
  });
});

describe("proving with a directly written powers of tau", () => {
  let c: CompiledSource;
  let ptau: string;
  beforeAll(async () => {
    c = await compileSampleCircuit({ optimize: 2 });
  });
  afterAll(async () => {
    await c?.cleanup();
  });

  it("generateLocalPtau writes a prepared 2^8 file and no temporary files", async () => {
    const sub = join(dir, "gen");
    await rm(sub, { recursive: true, force: true });
    await mkdir(sub);
    ptau = join(sub, "local_pot8_final.ptau");
    const log: string[] = [];
    await generateLocalPtau(8, ptau, (l) => log.push(l));
    expect(await inspectPtau(ptau)).toEqual({ power: 8, ceremonyPower: 8, prepared: true });
    expect(await readdir(sub)).toEqual(["local_pot8_final.ptau"]);
    expect(log.join("\n")).toMatch(/ptau 2\^8: written in/);
  });

  it("generateLocalPtau reports a failure as setup-failed", async () => {
    const err = await generateLocalPtau(4, join(dir, "missing", "x.ptau"), () => {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZkmlError);
    expect((err as ZkmlError).code).toBe("setup-failed");
  });

  const input = {
    x: 5n,
    y: 11n,
    a: [
      [2n, 3n],
      [4n, 6n],
    ],
  };

  it("Groth16: setup, prove, verify; a tampered public signal fails", async () => {
    const zkey = join(c.workDir, "g.zkey");
    const vkeyPath = join(c.workDir, "g.vkey.json");
    await groth16Setup({ r1csPath: c.r1csPath, ptauPath: ptau, zkeyPath: zkey, vkeyPath });
    const vkey = JSON.parse(await readFile(vkeyPath, "utf8"));
    const wc = await loadWitnessCalculator(c.wasmPath);
    const { proof, publicSignals } = await groth16Prove(zkey, await wc.calculateWtns(input));
    expect(publicSignals[5]).toBe("5");
    expect(await groth16Verify(vkey, publicSignals, proof)).toBe(true);
    const tampered = [...publicSignals];
    tampered[5] = "6";
    expect(await groth16Verify(vkey, tampered, proof)).toBe(false);
  });

  it("PLONK: setup, prove, verify; a tampered public signal fails", async () => {
    const zkey = join(c.workDir, "p.zkey");
    const errors: string[] = [];
    const logger = { debug() {}, info() {}, warn() {}, error: (m: string) => errors.push(m) };
    await snarkjs.plonk.setup(c.r1csPath, ptau, zkey, logger);
    expect(errors).toEqual([]);
    const vkey = await snarkjs.zKey.exportVerificationKey(zkey);
    const wc = await loadWitnessCalculator(c.wasmPath);
    const { proof, publicSignals } = await snarkjs.plonk.prove(zkey, await wc.calculateWtns(input));
    expect(await snarkjs.plonk.verify(vkey, publicSignals, proof)).toBe(true);
    const tampered = [...publicSignals];
    tampered[5] = "6";
    expect(await snarkjs.plonk.verify(vkey, tampered, proof)).toBe(false);
  });
});

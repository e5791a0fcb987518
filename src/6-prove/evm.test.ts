import { join } from "node:path";
import * as snarkjs from "snarkjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CompiledSource, compileSampleCircuit } from "../5-compile/testing.js";
import { encodeVerifierCall, verifierCalldata, verifierSignature } from "./calldata.js";
import { releaseCurves } from "./curve.js";
import { compileVerifier, verifyOnEvm } from "./evm.js";
import { groth16Setup } from "./groth16_setup.js";
import { ensureLocalPtau } from "./ptau.js";
import { captureSnarkjsLog } from "./snark_logger.js";
import type { ProofSystem } from "./systems.js";
import { exportSolidityVerifier, solidityTemplates } from "./verifier_export.js";
import { loadWitnessCalculator } from "./witness.js";

const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const INPUT = {
  x: 5n,
  y: 11n,
  a: [
    [2n, 3n],
    [4n, 6n],
  ],
};
// outputs (z, bits of y) then the public input x
const EXPECTED_SIGNALS = ["91", "1", "1", "0", "1", "5"];

/** Gas (whole transactions) with the sample circuit's 6 public signals, as measured on Prague. */
const GAS_RANGE: Record<ProofSystem, { verify: [number, number]; deploy: [number, number] }> = {
  groth16: { verify: [200_000, 270_000], deploy: [400_000, 700_000] },
  plonk: { verify: [290_000, 330_000], deploy: [1_400_000, 2_100_000] },
  fflonk: { verify: [200_000, 260_000], deploy: [3_000_000, 4_200_000] },
};

let c: CompiledSource;
let wtns: Uint8Array;

beforeAll(async () => {
  // O1 keeps the linear constraints, which PLONK/FFLONK need (DESIGN §6); Groth16 works on it too.
  c = await compileSampleCircuit({ optimize: 1 });
  wtns = await (await loadWitnessCalculator(c.wasmPath)).calculateWtns(INPUT);
});

afterAll(async () => {
  await releaseCurves();
  await c?.cleanup();
});

interface Proved {
  zkey: string;
  vkey: Record<string, unknown>;
  proof: Record<string, unknown>;
  publicSignals: string[];
  source: string;
}

const quiet = captureSnarkjsLog().logger;

async function setupAndProve(system: ProofSystem): Promise<Proved> {
  const zkey = join(c.workDir, `${system}.zkey`);
  const { logger, errors } = captureSnarkjsLog();
  let vkey: Record<string, unknown>;
  let out: { proof: Record<string, unknown>; publicSignals: string[] };
  if (system === "groth16") {
    const ptau = await ensureLocalPtau(8);
    const vkeyPath = join(c.workDir, "groth16_vkey.json");
    await groth16Setup({ r1csPath: c.r1csPath, ptauPath: ptau.path, zkeyPath: zkey, vkeyPath });
    vkey = await snarkjs.zKey.exportVerificationKey(zkey, quiet);
    out = (await snarkjs.groth16.prove(zkey, wtns, logger)) as unknown as typeof out;
  } else {
    // The sample circuit's PLONK domain is 2^5 or 2^6; FFLONK needs 9·2^c + 18 tauG1 points.
    const ptau = await ensureLocalPtau(10);
    if (system === "plonk") {
      const r = await snarkjs.plonk.setup(c.r1csPath, ptau.path, zkey, logger);
      expect(r).not.toBe(-1);
    } else {
      await snarkjs.fflonk.setup(c.r1csPath, ptau.path, zkey, logger);
    }
    vkey = await snarkjs.zKey.exportVerificationKey(zkey, quiet);
    out =
      system === "plonk"
        ? await snarkjs.plonk.prove(zkey, wtns, logger)
        : await snarkjs.fflonk.prove(zkey, wtns, logger);
  }
  expect(errors).toEqual([]);
  expect(vkey.protocol).toBe(system);
  expect(out.publicSignals).toEqual(EXPECTED_SIGNALS);
  const ok =
    system === "groth16"
      ? await snarkjs.groth16.verify(vkey, out.publicSignals, out.proof, quiet)
      : system === "plonk"
        ? await snarkjs.plonk.verify(vkey, out.publicSignals, out.proof, quiet)
        : await snarkjs.fflonk.verify(vkey, out.publicSignals, out.proof, quiet);
  expect(ok).toBe(true);
  // Through a JSON round trip, as verification_key.json is read back.
  const source = await exportSolidityVerifier(JSON.parse(JSON.stringify(vkey)));
  return { zkey, vkey, proof: out.proof, publicSignals: out.publicSignals, source };
}

/**
 * A PLONK/FFLONK proof of the sample witness whose Fiat-Shamir transcript hashes the public input x = 5
 * as the 256-bit word 5 + r: what a malicious prover would do to claim the alias 5 + r. snarkjs's
 * prover writes transcript scalars with the curve's `Fr.toRprBE`; this swaps it for one proof.
 */
async function proveAliased(system: "plonk" | "fflonk", zkey: string): Promise<Record<string, unknown>> {
  type Fr = {
    toRprBE(b: Uint8Array, o: number, e: unknown): void;
    eq(a: unknown, b: unknown): boolean;
    e(v: bigint): unknown;
  };
  const curve = (await snarkjs.curves.getCurveFromName("bn128")) as unknown as { Fr: Fr };
  const Fr = curve.Fr;
  const original = Object.getOwnPropertyDescriptor(Fr, "toRprBE");
  const plain = Fr.toRprBE;
  const five = Fr.e(5n);
  const alias = Buffer.from((5n + R).toString(16).padStart(64, "0"), "hex");
  Fr.toRprBE = (b, o, e) => (Fr.eq(e, five) ? b.set(alias, o) : plain.call(Fr, b, o, e));
  try {
    const out =
      system === "plonk"
        ? await snarkjs.plonk.prove(zkey, wtns, quiet)
        : await snarkjs.fflonk.prove(zkey, wtns, quiet);
    expect(out.publicSignals).toEqual(EXPECTED_SIGNALS);
    return out.proof;
  } finally {
    if (original) Object.defineProperty(Fr, "toRprBE", original);
    else delete (Fr as Partial<Fr>).toRprBE;
  }
}

const bump = (s: unknown) => ((BigInt(String(s)) + 1n) % R).toString();

/** Proofs that are wrong but well-formed (points on the curve, values < r) or malformed. */
function tamperedProofs(system: ProofSystem, proof: Record<string, unknown>): [string, object][] {
  switch (system) {
    case "groth16": {
      const a = proof.pi_a as string[];
      return [
        ["A and C swapped", { ...proof, pi_a: proof.pi_c, pi_c: proof.pi_a }],
        ["A off the curve", { ...proof, pi_a: [bump(a[0]), ...a.slice(1)] }],
        ["A negated", { ...proof, pi_a: [a[0], (BN254_Q - BigInt(a[1] ?? "0")).toString(), "1"] }],
      ];
    }
    case "plonk":
      return [
        ["eval_a + 1", { ...proof, eval_a: bump(proof.eval_a) }],
        ["A and B swapped", { ...proof, A: proof.B, B: proof.A }],
        ["eval_zw = r", { ...proof, eval_zw: R.toString() }],
      ];
    case "fflonk": {
      const ev = proof.evaluations as Record<string, string>;
      const po = proof.polynomials as Record<string, unknown>;
      return [
        ["evaluations.a + 1", { ...proof, evaluations: { ...ev, a: bump(ev.a) } }],
        ["C1 and C2 swapped", { ...proof, polynomials: { ...po, C1: po.C2, C2: po.C1 } }],
        ["evaluations.inv + 1", { ...proof, evaluations: { ...ev, inv: bump(ev.inv) } }],
      ];
    }
  }
}

/** BN254's base field (curve coordinates). */
const BN254_Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;

describe.each(["groth16", "plonk", "fflonk"] as const)("%s verifier on the EVM", (system) => {
  let p: Proved;

  beforeAll(async () => {
    p = await setupAndProve(system);
  });

  it("renders the verifier from the verification key byte for byte as snarkjs does from the proving key", async () => {
    const theirs = await snarkjs.zKey.exportSolidityVerifier(
      p.zkey,
      { ...(await solidityTemplates()) },
      quiet,
    );
    expect(await exportSolidityVerifier(p.vkey, { unpatched: true })).toBe(theirs);
    await expect(exportSolidityVerifier({ ...p.vkey, protocol: "marlin" })).rejects.toMatchObject({
      code: "corrupt-artifact",
    });
  });

  it("compiles, and the calldata's selector is the contract's", async () => {
    const compiled = await compileVerifier(p.source);
    expect(compiled.contractName).toBe(
      { groth16: "Groth16Verifier", plonk: "PlonkVerifier", fflonk: "FflonkVerifier" }[system],
    );
    const cd = verifierCalldata(system, p.proof, p.publicSignals);
    const sig = verifierSignature(system, 6);
    expect(compiled.methodIdentifiers[sig]).toBe(Buffer.from(cd.data.subarray(0, 4)).toString("hex"));
    expect(compiled.bytecode.length).toBeGreaterThan(compiled.deployedSize);
    expect(compiled.deployedSize).toBeGreaterThan(1000);
    // Cached: the same object for the same source.
    expect(await compileVerifier(p.source)).toBe(compiled);
  });

  it("accepts the valid proof, at the expected gas", async () => {
    const cd = verifierCalldata(system, p.proof, p.publicSignals);
    const r = await verifyOnEvm(p.source, cd.data);
    expect(r).toMatchObject({ valid: true, reverted: false });
    const range = GAS_RANGE[system];
    expect(Number(r.gasUsed)).toBeGreaterThan(range.verify[0]);
    expect(Number(r.gasUsed)).toBeLessThan(range.verify[1]);
    expect(Number(r.deployGas)).toBeGreaterThan(range.deploy[0]);
    expect(Number(r.deployGas)).toBeLessThan(range.deploy[1]);
    // Deterministic: the same figures again.
    expect(await verifyOnEvm(p.source, cd.data)).toEqual(r);
    // The text round-trips to the same call.
    expect(encodeVerifierCall(system, JSON.parse(cd.text))).toEqual(cd.data);
  });

  it("rejects tampered proofs", async () => {
    for (const [what, bad] of tamperedProofs(system, p.proof)) {
      const r = await verifyOnEvm(p.source, verifierCalldata(system, bad, p.publicSignals).data);
      expect({ what, valid: r.valid }).toEqual({ what, valid: false });
    }
  });

  it("rejects changed public signals, including ones >= r", async () => {
    const cases: [string, string[]][] = [
      ["output + 1", [bump(p.publicSignals[0]), ...p.publicSignals.slice(1)]],
      ["input changed", [...p.publicSignals.slice(0, 5), "6"]],
      // x + r is the same field element: only a range check (or the transcript hash) rejects it.
      ["input + r", [...p.publicSignals.slice(0, 5), (5n + R).toString()]],
      ["output + r", [(91n + R).toString(), ...p.publicSignals.slice(1)]],
      ["2^256 - 1", [...p.publicSignals.slice(0, 5), ((1n << 256n) - 1n).toString()]],
    ];
    for (const [what, pub] of cases) {
      const r = await verifyOnEvm(p.source, verifierCalldata(system, p.proof, pub).data);
      expect({ what, valid: r.valid }).toEqual({ what, valid: false });
    }
  });

  it("rejects a public signal >= r even with a proof made for it (snarkjs's PLONK/FFLONK templates accept it)", async () => {
    const unpatched = await exportSolidityVerifier(p.vkey, { unpatched: true });
    const aliased = [...p.publicSignals.slice(0, 5), (5n + R).toString()];
    if (system === "groth16") {
      // Groth16's template checks the signals itself; without a transcript there is no other proof to make.
      expect(unpatched).toBe(p.source);
      return;
    }
    expect(p.source.length).toBeGreaterThan(unpatched.length);
    const forged = await proveAliased(system, p.zkey);
    const verify = system === "plonk" ? snarkjs.plonk.verify : snarkjs.fflonk.verify;
    expect(await verify(p.vkey, aliased, forged, quiet)).toBe(false); // snarkjs's JS verifier checks < r
    const data = verifierCalldata(system, forged, aliased).data;
    expect((await verifyOnEvm(unpatched, data)).valid).toBe(true); // the hazard
    expect((await verifyOnEvm(p.source, data)).valid).toBe(false);
    // The range check costs little: the honest proof on both contracts.
    const honest = verifierCalldata(system, p.proof, p.publicSignals).data;
    const [a, b] = [await verifyOnEvm(unpatched, honest), await verifyOnEvm(p.source, honest)];
    expect(a.valid && b.valid).toBe(true);
    expect(Number(b.gasUsed - a.gasUsed)).toBeLessThan(1000);
  });

  it("reverts when the number of public signals does not match the contract", async () => {
    const r = await verifyOnEvm(
      p.source,
      verifierCalldata(system, p.proof, p.publicSignals.slice(0, 5)).data,
    );
    expect(r).toMatchObject({ valid: false, reverted: true });
  });

  it("lays out the arguments as snarkjs's soliditycalldata does", async () => {
    const cd = verifierCalldata(system, p.proof, p.publicSignals);
    const ours = JSON.stringify(cd.args).match(/0x[0-9a-f]{64}/g);
    const theirs =
      system === "fflonk"
        ? await snarkjs.fflonk.exportSolidityCallData(p.publicSignals, p.proof)
        : system === "plonk"
          ? await snarkjs.plonk.exportSolidityCallData(p.proof, p.publicSignals)
          : await snarkjs.groth16.exportSolidityCallData(p.proof, p.publicSignals);
    expect(ours).toEqual(theirs.match(/0x[0-9a-f]{64}/g));
    expect(cd.data.length).toBe(4 + 32 * ((system === "groth16" ? 8 : 24) + 6));
  });
});

describe("compileVerifier", () => {
  it("reports compile errors as bugs", async () => {
    const bad = "pragma solidity >=0.7.0 <0.9.0;\ncontract X { function verifyProof( }";
    await expect(compileVerifier(bad)).rejects.toMatchObject({
      code: "bug",
      message: expect.stringMatching(/does not compile/),
    });
  });
});

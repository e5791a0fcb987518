/**
 * Groth16 circuit-specific setup: `zkey new` from the r1cs and a prepared ptau, then one phase-2
 * contribution with CSPRNG entropy, then the verification key.
 *
 * The contribution is not optional: a zkey straight out of `newZKey` has δ = 1 (δ·G is the generator),
 * and with a known δ anyone can forge proofs. After setup we check that the verification key's δ₂
 * differs from γ₂ (which snarkjs sets to the G2 generator).
 *
 * snarkjs 0.7.6 reports some failures of `newZKey` (ptau not prepared, ptau too small, curve
 * mismatch) only through the logger and returns -1; those become `setup-failed` errors here.
 */
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { dirname } from "node:path";
import * as snarkjs from "snarkjs";
import { readR1csInfo } from "../5-compile/r1cs.js";
import { writeJsonAtomic } from "../artifacts.js";
import { fail, ZkmlError } from "../errors.js";
import "./curve.js";
import { circuitPower, inspectPtau, requiredPower } from "./ptau.js";
import { captureSnarkjsLog } from "./snark_logger.js";

/** The BN254 (bn128) scalar field: circom's default prime. */
export const BN254_R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

export interface Groth16SetupOptions {
  r1csPath: string;
  ptauPath: string;
  zkeyPath: string;
  vkeyPath: string;
  logger?: (s: string) => void;
}

/** sha256 of a file, hex. */
export async function sha256File(path: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest("hex");
}

function requireFile(path: string, what: string, hint: string): void {
  if (!existsSync(path)) fail("missing-artifact", `${what} ${path} does not exist`, { hint });
}

export async function groth16Setup(
  opts: Groth16SetupOptions,
): Promise<{ zkeyHash: string; vkeyHash: string }> {
  const { r1csPath, ptauPath, zkeyPath, vkeyPath } = opts;
  const log = opts.logger ?? (() => {});
  requireFile(r1csPath, "r1cs", "run `zkmlc compile` first");
  requireFile(ptauPath, "powers of tau", "pass a prepared .ptau file, or let zkmlc make a local one");

  // Fail early with a precise message instead of snarkjs's log line.
  const r1cs = await readR1csInfo(r1csPath);
  const ptau = await inspectPtau(ptauPath);
  if (r1cs.prime !== BN254_R) {
    fail("setup-failed", `${r1csPath} is over a field other than BN254's scalar field`, {
      hint: "compile the circuit with circom's default prime (bn128)",
    });
  }
  const nPublic = r1cs.nOutputs + r1cs.nPubInputs;
  const need = requiredPower(r1cs.nConstraints, nPublic);
  const cirPower = circuitPower(r1cs.nConstraints, nPublic);
  if (ptau.power < cirPower) {
    fail(
      "setup-failed",
      `the circuit needs a powers of tau of power ${cirPower} (${r1cs.nConstraints} constraints + ` +
        `${nPublic} public signals + 1 > 2^${ptau.power}), ${ptauPath} has power ${ptau.power}`,
      { hint: `use a ptau of power >= ${need}` },
    );
  }
  if (!ptau.prepared) {
    fail("setup-failed", `${ptauPath} is not prepared for phase 2`, {
      hint: "run `snarkjs powersoftau prepare phase2` on it, or use a *_final.ptau file",
    });
  }

  await mkdir(dirname(zkeyPath), { recursive: true });
  const tag = randomBytes(6).toString("hex");
  const zInit = `${zkeyPath}.${tag}.init.tmp`;
  const zFinal = `${zkeyPath}.${tag}.tmp`;
  const { logger, errors } = captureSnarkjsLog(log);
  const snarkFail = (step: string, extra?: string): never => {
    const text = errors.length > 0 ? errors.join("; ") : (extra ?? "unknown error");
    let hint: string | undefined;
    if (/not prepared/i.test(text))
      hint = "the ptau must be prepared for phase 2 (`powersoftau prepare phase2`)";
    else if (/too big/i.test(text)) hint = `use a ptau of power >= ${need}`;
    return fail("setup-failed", `Groth16 setup (${step}) failed: ${text}`, { hint });
  };
  try {
    let t = Date.now();
    let csHash: Uint8Array | -1;
    try {
      csHash = await snarkjs.zKey.newZKey(r1csPath, ptauPath, zInit, logger);
    } catch (e) {
      return snarkFail("zkey new", (e as Error).message);
    }
    if (csHash === -1 || errors.length > 0) snarkFail("zkey new");
    if (((await stat(zInit).catch(() => undefined))?.size ?? 0) === 0) snarkFail("zkey new", "empty zkey");
    log(`groth16 zkey new: ${((Date.now() - t) / 1000).toFixed(1)} s`);

    t = Date.now();
    try {
      const entropy = randomBytes(64).toString("hex");
      await snarkjs.zKey.contribute(zInit, zFinal, "zkmlc phase-2 contribution", entropy, logger);
    } catch (e) {
      snarkFail("zkey contribute", (e as Error).message);
    }
    if (errors.length > 0) snarkFail("zkey contribute");
    if (((await stat(zFinal).catch(() => undefined))?.size ?? 0) === 0)
      snarkFail("zkey contribute", "empty zkey");
    log(`groth16 phase-2 contribution: ${((Date.now() - t) / 1000).toFixed(1)} s`);

    let vkey: Record<string, unknown>;
    try {
      vkey = await snarkjs.zKey.exportVerificationKey(zFinal, logger);
    } catch (e) {
      return snarkFail("export verification key", (e as Error).message);
    }
    if (errors.length > 0) snarkFail("export verification key");
    if (JSON.stringify(vkey.vk_delta_2) === JSON.stringify(vkey.vk_gamma_2)) {
      fail("bug", "the zkey has no phase-2 contribution (delta = 1), its proofs would be forgeable");
    }
    if (vkey.nPublic !== nPublic) {
      fail("bug", `the verification key has ${String(vkey.nPublic)} public signals, the r1cs ${nPublic}`);
    }
    await rename(zFinal, zkeyPath);
    await writeJsonAtomic(vkeyPath, vkey);
    const [zkeyHash, vkeyHash] = await Promise.all([sha256File(zkeyPath), sha256File(vkeyPath)]);
    return { zkeyHash, vkeyHash };
  } catch (e) {
    if (e instanceof ZkmlError) throw e;
    return fail("setup-failed", `Groth16 setup failed: ${(e as Error).message}`, { cause: e });
  } finally {
    await rm(zInit, { force: true });
    await rm(zFinal, { force: true });
  }
}

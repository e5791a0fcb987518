/**
 * PLONK and FFLONK setup with snarkjs: universal (only a prepared ptau, no circuit-specific ceremony).
 * The ptau size depends on the PLONK gate count, which includes the additions that R1CS gets for free:
 * zkmlc learns it from snarkjs itself (its setup logs "Plonk constraints: N") rather than re-deriving
 * snarkjs's gate decomposition.
 */
import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { dirname } from "node:path";
import * as snarkjs from "snarkjs";
import { writeJsonAtomic } from "../artifacts.js";
import { fail, ZkmlError } from "../errors.js";
import "./curve.js";
import { sha256File } from "./groth16_setup.js";
import { ensureLocalPtau } from "./ptau.js";
import { captureSnarkjsLog } from "./snark_logger.js";
import { SNARKJS } from "./snarkjs.js";

const log2ceil = (n: number) => Math.max(0, Math.ceil(Math.log2(n)));

/** PLONK gates of an r1cs (constraints, public inputs and additions), as snarkjs counts them. */
export async function plonkGateCount(r1csPath: string): Promise<number> {
  const probe = await ensureLocalPtau(8);
  const tmp = `${r1csPath}.${randomBytes(6).toString("hex")}.probe.tmp`;
  const lines: string[] = [];
  const { logger } = captureSnarkjsLog((l) => lines.push(l));
  try {
    await snarkjs.plonk.setup(r1csPath, probe.path, tmp, logger);
  } catch {
    // A circuit larger than the probe ptau fails after logging its gate count, which is all we need.
  } finally {
    await rm(tmp, { force: true });
  }
  const m = lines.map((l) => /Plonk constraints: (\d+)/.exec(l)).find((x) => x);
  if (!m) fail("setup-failed", `snarkjs did not report the PLONK gate count of ${r1csPath}`);
  return Number(m[1]);
}

/** ptau power a universal setup needs for `gates` PLONK gates (snarkjs's own size rules). */
export function universalPower(system: "plonk" | "fflonk", gates: number): number {
  if (system === "plonk") return Math.max(3, log2ceil(gates));
  // FFLONK: domain 2^c with c = max(3, ceil(log2(gates + 2))); it reads 9·2^c + 18 tauG1 points.
  const c = Math.max(3, log2ceil(gates + 2));
  return log2ceil(9 * 2 ** c + 18 + 1) - 1;
}

export async function universalSetup(opts: {
  system: "plonk" | "fflonk";
  r1csPath: string;
  ptauPath: string;
  zkeyPath: string;
  vkeyPath: string;
  logger?: (s: string) => void;
}): Promise<{ zkeyHash: string; vkeyHash: string }> {
  const { system, zkeyPath } = opts;
  await mkdir(dirname(zkeyPath), { recursive: true });
  const tmp = `${zkeyPath}.${randomBytes(6).toString("hex")}.tmp`;
  const { logger, errors } = captureSnarkjsLog(opts.logger);
  const failed = (why: string): never =>
    fail("setup-failed", `${system} setup failed: ${why}`, {
      hint: /too big|not big enough|too small/i.test(why) ? "use a larger powers of tau" : undefined,
    });
  try {
    try {
      await SNARKJS[system].setup(opts.r1csPath, opts.ptauPath, tmp, logger);
    } catch (e) {
      failed((e as Error).message);
    }
    if (errors.length > 0) failed(errors.join("; "));
    if (((await stat(tmp).catch(() => undefined))?.size ?? 0) === 0) failed("empty zkey");
    const vkey = await snarkjs.zKey.exportVerificationKey(tmp, logger);
    await rename(tmp, zkeyPath);
    await writeJsonAtomic(opts.vkeyPath, vkey);
    const [zkeyHash, vkeyHash] = await Promise.all([sha256File(zkeyPath), sha256File(opts.vkeyPath)]);
    return { zkeyHash, vkeyHash };
  } catch (e) {
    if (e instanceof ZkmlError) throw e;
    return fail("setup-failed", `${system} setup failed: ${(e as Error).message}`, { cause: e });
  } finally {
    await rm(tmp, { force: true });
  }
}

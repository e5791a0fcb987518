/**
 * Proving with snarkjs (Groth16, PLONK, FFLONK), in-process. The witness is `.wtns` bytes or a path.
 * snarkjs does not check that the witness satisfies the constraints: a wrong witness yields a proof that
 * fails to verify, so callers check the witness first (zkmlc compares it with the integer reference).
 */
import { existsSync } from "node:fs";
import { fail, ZkmlError } from "../errors.js";
import { readWtnsHeader, readZkeyHeader } from "./binfile.js";
import "./curve.js";
import { captureSnarkjsLog } from "./snark_logger.js";
import { SNARKJS } from "./snarkjs.js";
import type { ProofSystem } from "./systems.js";

export interface ProofResult {
  proof: object;
  publicSignals: string[];
}

export async function snarkProve(
  system: ProofSystem,
  zkeyPath: string,
  wtns: Uint8Array | string,
  opts: {
    logger?: (s: string) => void;
    /** The proving key's bytes, read once by a caller proving many witnesses (zkeyPath names them). */
    zkeyData?: Uint8Array;
  } = {},
): Promise<ProofResult> {
  if (!existsSync(zkeyPath)) {
    fail("missing-artifact", `proving key ${zkeyPath} does not exist`, {
      hint: `run \`zkmlc setup --system ${system}\` first`,
    });
  }
  if (typeof wtns === "string" && !existsSync(wtns)) {
    fail("missing-artifact", `witness ${wtns} does not exist`, { hint: "run `zkmlc witness` first" });
  }
  // snarkjs leaves file handles open when it rejects a witness: check the pairing first.
  const zk = await readZkeyHeader(zkeyPath);
  if (zk.protocol !== system) {
    fail("prove-failed", `${zkeyPath} is a ${zk.protocol} proving key, not a ${system} one`, {
      hint: `re-run \`zkmlc setup --system ${system}\``,
    });
  }
  if (zk.nVars !== undefined) {
    const wh = await readWtnsHeader(wtns);
    if (wh.prime !== zk.r || wh.nWitness !== zk.nVars) {
      fail(
        "prove-failed",
        `the witness (${wh.nWitness} values) does not belong to this proving key's circuit (${zk.nVars} wires` +
          `${wh.prime !== zk.r ? ", another field" : ""})`,
        { hint: "recompute the witness with the circuit the key was set up for (`zkmlc witness`)" },
      );
    }
  }
  const { logger, errors } = captureSnarkjsLog(opts.logger);
  try {
    const zkey = opts.zkeyData ? { type: "mem" as const, data: opts.zkeyData } : zkeyPath;
    const { proof, publicSignals } = await SNARKJS[system].prove(zkey, wtns, logger);
    if (errors.length > 0) fail("prove-failed", `${system} proving failed: ${errors.join("; ")}`);
    return { proof, publicSignals };
  } catch (e) {
    if (e instanceof ZkmlError) throw e;
    const msg = (e as Error).message;
    return fail("prove-failed", `${system} proving failed: ${msg}`, {
      hint: /witness length|Curve of the witness|Invalid File format/.test(msg)
        ? "the witness does not belong to this circuit's proving key; recompute it with `zkmlc witness`"
        : undefined,
      cause: e,
    });
  }
}

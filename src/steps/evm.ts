import { verifierCalldata } from "../6-prove/calldata.js";
import { verifyOnEvm } from "../6-prove/evm.js";
import type { ProofSystem } from "../6-prove/systems.js";
import { withBuildLock } from "../lock.js";
import { openBuild } from "./build.js";
import { type NamedSignal, namePublicSignals } from "./public-signals.js";
import { readProofRecord, verifierSource } from "./verify.js";

/** The `calldata` step: the verifyProof call for the build's proof, for external tools. */
export async function calldata(buildDir: string, opts: { system?: ProofSystem } = {}) {
  return withBuildLock(buildDir, "calldata", async () => {
    const build = await openBuild(buildDir);
    const system = opts.system ?? build.settings.system ?? "groth16";
    const { proof, signals } = await readProofRecord(build, system);
    const c = verifierCalldata(system, proof, signals);
    return {
      system,
      publicSignals: namePublicSignals(build.settings),
      functionName: c.functionName,
      args: c.args,
      text: c.text,
      data: `0x${Buffer.from(c.data).toString("hex")}`,
    };
  });
}

export interface EvmResult {
  system: ProofSystem;
  valid: boolean;
  /** Why the contract did not accept the proof. */
  reason?: string;
  /**
   * Gas of the whole verifyProof transaction, only when the proof verified: a call that reverts burns
   * whatever gas it was given, and a rejected proof's cost says nothing about a valid one's.
   */
  gasUsed: number | null;
  deployGas: number;
  /** What each public signal the verifier was called with is. */
  publicSignals: NamedSignal[];
}

/**
 * The `verify-evm` step: compile the Solidity verifier of the build's verification key with solc-js,
 * deploy it to an in-process EVM, call verifyProof with the proof's calldata; the result and the gas.
 */
export async function verifyEvm(buildDir: string, opts: { system?: ProofSystem } = {}): Promise<EvmResult> {
  return withBuildLock(buildDir, "verify-evm", async () => {
    const build = await openBuild(buildDir);
    const system = opts.system ?? build.settings.system ?? "groth16";
    const source = await verifierSource(build, system);
    const { proof, signals } = await readProofRecord(build, system);
    const r = await verifyOnEvm(source, verifierCalldata(system, proof, signals).data);
    const reason = r.valid
      ? undefined
      : r.reverted
        ? "the verifier reverted: the proof or the public signals are malformed"
        : "the verifier returned false: the proof does not verify for these public signals";
    return {
      system,
      valid: r.valid,
      ...(reason ? { reason } : {}),
      gasUsed: r.valid ? Number(r.gasUsed) : null,
      deployGas: Number(r.deployGas),
      publicSignals: namePublicSignals(build.settings),
    };
  });
}

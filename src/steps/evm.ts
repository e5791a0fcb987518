import { verifierCalldata } from "../6-prove/calldata.js";
import { verifyOnEvm } from "../6-prove/evm.js";
import type { ProofSystem } from "../6-prove/systems.js";
import { exportSolidityVerifier } from "../6-prove/verifier_export.js";
import { systemArtifactPath } from "../artifacts.js";
import { loadKeys } from "./setup.js";
import { loadProof } from "./verify.js";

/** The `calldata` step: the verifyProof call for the build's proof, for external tools. */
export async function calldata(buildDir: string, opts: { system?: ProofSystem } = {}) {
  const { system, proof, signals } = await loadProof(buildDir, opts.system);
  const c = verifierCalldata(system, proof, signals);
  return {
    system,
    functionName: c.functionName,
    args: c.args,
    text: c.text,
    data: `0x${Buffer.from(c.data).toString("hex")}`,
  };
}

export interface EvmResult {
  system: ProofSystem;
  valid: boolean;
  gasUsed: number;
  deployGas: number;
}

/**
 * The `verify-evm` step: compile the build's Solidity verifier with solc-js, deploy it to an in-process
 * EVM, call verifyProof with the proof's calldata; the result and the gas of each transaction.
 */
export async function verifyEvm(buildDir: string, opts: { system?: ProofSystem } = {}): Promise<EvmResult> {
  const { build, system, proof, signals } = await loadProof(buildDir, opts.system);
  await loadKeys(build, system, ["zkey"]);
  const source = await exportSolidityVerifier(systemArtifactPath(buildDir, system, "zkey"));
  const r = await verifyOnEvm(source, verifierCalldata(system, proof, signals).data);
  return { system, valid: r.valid, gasUsed: Number(r.gasUsed), deployGas: Number(r.deployGas) };
}

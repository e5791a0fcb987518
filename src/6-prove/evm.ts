/**
 * Compile Solidity with solc-js and run it on the in-process chain (evm-chain.ts): the verifiers, to
 * check that a proof verifies on chain and to measure gas, and other contracts for tests.
 *
 * Gas figures are those of whole transactions, as a user would pay: `deployGas` for the
 * contract-creation transaction, `gasUsed` for a transaction calling `verifyProof`. solc targets the
 * chain's EVM version (Prague).
 */
import { createHash } from "node:crypto";
import { fail } from "../errors.js";
import { createChain, SOLC_EVM_VERSION } from "./evm-chain.js";

/** EIP-170. */
export const MAX_CODE_SIZE = 24_576;

export interface EvmVerifyResult {
  /** The call returned true (and did not revert). */
  valid: boolean;
  /** Gas of the whole `verifyProof` transaction. */
  gasUsed: bigint;
  /** Gas of the whole deployment transaction. */
  deployGas: bigint;
  /** The call reverted (or ran out of gas); `valid` is then false. */
  reverted: boolean;
}

interface SolcOutput {
  errors?: { severity: string; formattedMessage?: string; message: string }[];
  contracts?: Record<
    string,
    Record<
      string,
      {
        abi?: unknown;
        evm?: {
          bytecode?: { object?: string };
          deployedBytecode?: { object?: string };
          methodIdentifiers?: Record<string, string>;
        };
      }
    >
  >;
}

/** A contract solc compiled; `bytecode` is empty for an interface or an abstract contract. */
export interface CompiledContract {
  /** Creation bytecode. */
  bytecode: Uint8Array;
  abi: unknown;
  contractName: string;
  /** Size of the deployed (runtime) code; EIP-170 limits it to 24,576 bytes. */
  deployedSize: number;
  /** Function selectors by signature, from solc (e.g. `verifyProof(uint256[24],uint256[2])` -> hex). */
  methodIdentifiers: Record<string, string>;
}

/** solc's output for one source: its contracts by name, or its compile errors as text. */
type SolcResult = { contracts: Record<string, CompiledContract>; errors?: undefined } | { errors: string };

const compiled = new Map<string, Promise<SolcResult>>();

async function compileUncached(file: string, source: string): Promise<SolcResult> {
  const solc = (await import("solc")).default;
  const input = {
    language: "Solidity",
    sources: { [file]: { content: source } },
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: SOLC_EVM_VERSION,
      outputSelection: {
        "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object", "evm.methodIdentifiers"] },
      },
    },
  };
  let out: SolcOutput;
  try {
    out = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput;
  } catch (e) {
    return fail("bug", `solc failed: ${(e as Error).message}`, { cause: e });
  }
  const errors = (out.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0)
    return { errors: errors.map((e) => (e.formattedMessage ?? e.message).trim()).join("\n") };
  const contracts: Record<string, CompiledContract> = {};
  for (const [contractName, c] of Object.entries(out.contracts?.[file] ?? {})) {
    const hex = c.evm?.bytecode?.object ?? "";
    if (!/^[0-9a-f]*$/i.test(hex)) {
      fail(
        "bug",
        `solc produced no bytecode for ${contractName}${hex.includes("__") ? " (unlinked libraries)" : ""}`,
      );
    }
    contracts[contractName] = {
      bytecode: Uint8Array.from(Buffer.from(hex, "hex")),
      abi: c.abi ?? [],
      contractName,
      deployedSize: (c.evm?.deployedBytecode?.object ?? "").length / 2,
      methodIdentifiers: { ...(c.evm?.methodIdentifiers ?? {}) },
    };
  }
  return { contracts };
}

/**
 * solc-js on one source file (standard JSON, optimizer on, 200 runs, EVM version Prague), cached per
 * file name and text for the life of the process.
 */
function solcCompile(file: string, source: string): Promise<SolcResult> {
  const key = createHash("sha256").update(file).update("\0").update(source).digest("hex");
  let p = compiled.get(key);
  if (!p) {
    p = compileUncached(file, source);
    compiled.set(key, p);
    p.catch(() => compiled.delete(key));
  }
  return p;
}

/**
 * Compile a Solidity source that may hold several contracts and interfaces (`file` names it in solc's
 * messages). Compile errors are the source's author's: `bad-input`.
 */
export async function compileContracts(
  source: string,
  file = "Contract.sol",
): Promise<Record<string, CompiledContract>> {
  const r = await solcCompile(file, source);
  if (r.errors !== undefined) return fail("bad-input", `${file} does not compile:\n${r.errors}`);
  return r.contracts;
}

/**
 * Compile a Solidity verifier and pick its contract (the one with verifyProof). Compile errors are
 * zkmlc bugs: the sources come from snarkjs's templates.
 */
export async function compileVerifier(source: string): Promise<CompiledContract> {
  const r = await solcCompile("Verifier.sol", source);
  if (r.errors !== undefined) {
    return fail("bug", `the Solidity verifier does not compile:\n${r.errors}`, {
      hint: "this is a zkmlc (or snarkjs template) bug; please report it",
    });
  }
  const contracts = Object.values(r.contracts);
  // snarkjs's files contain exactly one contract.
  const withVerify = contracts.filter((c) =>
    Object.keys(c.methodIdentifiers).some((s) => s.startsWith("verifyProof(")),
  );
  const chosen = withVerify[0] ?? (contracts.length === 1 ? contracts[0] : undefined);
  if (!chosen || withVerify.length > 1) {
    return fail("bug", `expected one verifier contract with verifyProof, found ${withVerify.length}`);
  }
  if (chosen.bytecode.length === 0) fail("bug", `solc produced no bytecode for ${chosen.contractName}`);
  return chosen;
}

/**
 * Deploy the verifier in `source` on a fresh in-process chain and send one transaction with
 * `calldata` (see calldata.ts). A revert, an out-of-gas or a false result all mean `valid: false`.
 */
export async function verifyOnEvm(source: string, calldata: Uint8Array): Promise<EvmVerifyResult> {
  const { bytecode, contractName, deployedSize } = await compileVerifier(source);
  if (deployedSize > MAX_CODE_SIZE) {
    // A build with hundreds of public signals, not a bug: the user chose them.
    fail(
      "too-large",
      `${contractName} is ${deployedSize} bytes, over the EVM's contract size limit of ${MAX_CODE_SIZE} (EIP-170)`,
      {
        hint: "snarkjs's verifier grows with the number of public signals: make fewer public, or commit to them (--input-visibility hashed, --output-visibility hashed)",
      },
    );
  }
  const chain = await createChain();
  const { address, gasUsed: deployGas } = await chain.deploy({ bytecode, contractName });
  const call = await chain.send(address, calldata);
  const ret = call.returnValue;
  // An ABI bool: exactly one word, 0 or 1.
  const valid =
    !call.reverted && ret.length === 32 && ret[31] === 1 && ret.subarray(0, 31).every((b) => b === 0);
  return { valid, gasUsed: call.gasUsed, deployGas, reverted: call.reverted };
}

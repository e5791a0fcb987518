/**
 * Compile a Solidity verifier with solc-js and run it on an in-process EVM (@ethereumjs/vm), to check
 * that a proof verifies on chain and to measure gas.
 *
 * Gas figures are those of whole transactions (intrinsic 21,000 + calldata + execution), as a user
 * would pay: `deployGas` for the contract-creation transaction, `gasUsed` for a transaction calling
 * `verifyProof`. The chain runs the Prague hardfork (BN254 precompiles at EIP-1108 prices, EIP-7623
 * calldata floor), and solc targets the same EVM version.
 */
import { createHash } from "node:crypto";
import { Common, Hardfork, Mainnet } from "@ethereumjs/common";
import { createLegacyTx } from "@ethereumjs/tx";
import { type Address, createAccount, createAddressFromPrivateKey } from "@ethereumjs/util";
import { createVM, runTx, type VM } from "@ethereumjs/vm";
import { fail } from "../errors.js";

export const EVM_HARDFORK = Hardfork.Prague;
/** solc's name for the same EVM version. */
export const SOLC_EVM_VERSION = "prague";

export interface CompiledVerifier {
  /** Creation bytecode. */
  bytecode: Uint8Array;
  abi: unknown;
  contractName: string;
  /** Size of the deployed (runtime) code; EIP-170 limits it to 24,576 bytes. */
  deployedSize: number;
  /** Function selectors by signature, from solc (e.g. `verifyProof(uint256[24],uint256[2])` -> hex). */
  methodIdentifiers: Record<string, string>;
}

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

const compiled = new Map<string, Promise<CompiledVerifier>>();

function sourceHash(source: string): string {
  return createHash("sha256").update(source).digest("hex");
}

async function compileUncached(source: string): Promise<CompiledVerifier> {
  const solc = (await import("solc")).default;
  const input = {
    language: "Solidity",
    sources: { "Verifier.sol": { content: source } },
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
  if (errors.length > 0) {
    const text = errors.map((e) => (e.formattedMessage ?? e.message).trim()).join("\n");
    fail("bug", `the Solidity verifier does not compile:\n${text}`, {
      hint: "this is a zkmlc (or snarkjs template) bug; please report it",
    });
  }
  const contracts = Object.entries(out.contracts?.["Verifier.sol"] ?? {});
  // The contract that has verifyProof (snarkjs's files contain exactly one contract).
  const withVerify = contracts.filter(([, c]) =>
    Object.keys(c.evm?.methodIdentifiers ?? {}).some((s) => s.startsWith("verifyProof(")),
  );
  const chosen = withVerify[0] ?? (contracts.length === 1 ? contracts[0] : undefined);
  if (!chosen || withVerify.length > 1) {
    return fail("bug", `expected one verifier contract with verifyProof, found ${withVerify.length}`);
  }
  const [contractName, c] = chosen;
  const hex = c.evm?.bytecode?.object ?? "";
  if (hex.length === 0 || !/^[0-9a-f]*$/i.test(hex)) {
    fail(
      "bug",
      `solc produced no bytecode for ${contractName}${hex.includes("__") ? " (unlinked libraries)" : ""}`,
    );
  }
  return {
    bytecode: Uint8Array.from(Buffer.from(hex, "hex")),
    abi: c.abi ?? [],
    contractName,
    deployedSize: (c.evm?.deployedBytecode?.object ?? "").length / 2,
    methodIdentifiers: { ...(c.evm?.methodIdentifiers ?? {}) },
  };
}

/**
 * Compile a Solidity source with solc-js (standard JSON, optimizer on, 200 runs, EVM version Prague).
 * Results are cached per source text for the life of the process. Compile errors are zkmlc bugs: the
 * sources come from snarkjs's templates.
 */
export function compileVerifier(source: string): Promise<CompiledVerifier> {
  const key = sourceHash(source);
  let p = compiled.get(key);
  if (!p) {
    p = compileUncached(source);
    compiled.set(key, p);
    p.catch(() => compiled.delete(key));
  }
  return p;
}

// A fixed, well-known development key: the chain is private to this process.
const SENDER_KEY = Uint8Array.from(
  Buffer.from("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80", "hex"),
);
const GAS_LIMIT = 30_000_000n;
/** EIP-170. */
export const MAX_CODE_SIZE = 24_576;
const GAS_PRICE = 10n ** 9n;

async function send(
  vm: VM,
  common: Common,
  nonce: bigint,
  to: Address | undefined,
  data: Uint8Array,
): Promise<Awaited<ReturnType<typeof runTx>>> {
  const tx = createLegacyTx(
    { nonce, gasLimit: GAS_LIMIT, gasPrice: GAS_PRICE, ...(to ? { to } : {}), data },
    { common },
  ).sign(SENDER_KEY);
  return runTx(vm, { tx, skipBlockGasLimitValidation: true });
}

/**
 * Deploy the verifier in `source` on a fresh in-process chain and send one transaction with
 * `calldata` (see calldata.ts). A revert, an out-of-gas or a false result all mean `valid: false`.
 */
export async function verifyOnEvm(source: string, calldata: Uint8Array): Promise<EvmVerifyResult> {
  const { bytecode, contractName, deployedSize } = await compileVerifier(source);
  if (deployedSize > MAX_CODE_SIZE) {
    fail(
      "bug",
      `${contractName} is ${deployedSize} bytes, over the EVM's contract size limit of ${MAX_CODE_SIZE}`,
      {
        hint: "snarkjs's verifier grows with the number of public signals; make fewer signals public (or hash them)",
      },
    );
  }
  const common = new Common({ chain: Mainnet, hardfork: EVM_HARDFORK });
  const vm = await createVM({ common });
  const sender = createAddressFromPrivateKey(SENDER_KEY);
  await vm.stateManager.putAccount(sender, createAccount({ nonce: 0n, balance: 10n ** 24n }));

  const deploy = await send(vm, common, 0n, undefined, bytecode);
  const created = deploy.createdAddress;
  if (deploy.execResult.exceptionError || !created) {
    return fail(
      "bug",
      `deploying ${contractName} failed: ${deploy.execResult.exceptionError?.error ?? "no address"}`,
    );
  }
  const call = await send(vm, common, 1n, created, calldata);
  const reverted = call.execResult.exceptionError !== undefined;
  const ret = call.execResult.returnValue;
  // An ABI bool: exactly one word, 0 or 1.
  const valid = !reverted && ret.length === 32 && ret[31] === 1 && ret.subarray(0, 31).every((b) => b === 0);
  return { valid, gasUsed: call.totalGasSpent, deployGas: deploy.totalGasSpent, reverted };
}

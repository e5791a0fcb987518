/**
 * A private in-process chain (@ethereumjs/vm) with one funded sender: deploy contracts, send them
 * transactions, read the return or revert data, the logs and the gas. evm.ts runs the verifiers on it;
 * tests run contracts that consume proofs (examples/consumer).
 *
 * Every call is a signed transaction, so `gasUsed` is what a user would pay for it: intrinsic 21,000 +
 * calldata + execution. The chain runs the Prague hardfork (BN254 precompiles at EIP-1108 prices,
 * EIP-7623 calldata floor).
 */
import { Common, Hardfork, Mainnet } from "@ethereumjs/common";
import { createLegacyTx } from "@ethereumjs/tx";
import { type Address, bytesToHex, createAccount, createAddressFromPrivateKey } from "@ethereumjs/util";
import { createVM, runTx, type VM } from "@ethereumjs/vm";
import { fail } from "../errors.js";
import { functionSelector } from "./calldata.js";

export const EVM_HARDFORK = Hardfork.Prague;
/** solc's name for the same EVM version, which the contracts are compiled for. */
export const SOLC_EVM_VERSION = "prague";

// A fixed, well-known development key: the chain is private to this process.
const SENDER_KEY = Uint8Array.from(
  Buffer.from("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80", "hex"),
);
const GAS_LIMIT = 30_000_000n;
const GAS_PRICE = 10n ** 9n;

export interface EvmLog {
  address: string;
  topics: Uint8Array[];
  data: Uint8Array;
}

export interface TxResult {
  /** Execution failed: a revert, an invalid opcode or out of gas. */
  reverted: boolean;
  /** The return data; when reverted, the revert data (a custom error's selector and arguments). */
  returnValue: Uint8Array;
  /** Gas of the whole transaction. */
  gasUsed: bigint;
  /** Logs emitted (none when reverted). */
  logs: EvmLog[];
  /** The EVM's error name when it failed (e.g. `revert`, `out of gas`). */
  error?: string;
}

export interface EvmChain {
  /** Deploy creation `bytecode` followed by its ABI-encoded constructor arguments. */
  deploy(
    contract: { bytecode: Uint8Array; contractName: string },
    args?: Uint8Array,
  ): Promise<{ address: Address; gasUsed: bigint }>;
  /** Send a transaction with `data` to `to`. */
  send(to: Address, data: Uint8Array): Promise<TxResult>;
}

/** A fresh chain whose sender holds 10^6 ether. */
export async function createChain(): Promise<EvmChain> {
  const common = new Common({ chain: Mainnet, hardfork: EVM_HARDFORK });
  const vm: VM = await createVM({ common });
  const sender = createAddressFromPrivateKey(SENDER_KEY);
  await vm.stateManager.putAccount(sender, createAccount({ nonce: 0n, balance: 10n ** 24n }));
  // A reverted transaction still uses its nonce, so read it from the state rather than counting.
  const run = async (to: Address | undefined, data: Uint8Array) => {
    const nonce = (await vm.stateManager.getAccount(sender))?.nonce ?? 0n;
    const tx = createLegacyTx(
      { nonce, gasLimit: GAS_LIMIT, gasPrice: GAS_PRICE, ...(to ? { to } : {}), data },
      { common },
    ).sign(SENDER_KEY);
    return runTx(vm, { tx, skipBlockGasLimitValidation: true });
  };
  return {
    async deploy(contract, args = new Uint8Array()) {
      if (contract.bytecode.length === 0) fail("bug", `${contract.contractName} has no bytecode to deploy`);
      const r = await run(undefined, concat(contract.bytecode, args));
      const address = r.createdAddress;
      if (r.execResult.exceptionError || !address) {
        return fail(
          "bug",
          `deploying ${contract.contractName} failed: ${r.execResult.exceptionError?.error ?? "no address"}`,
        );
      }
      return { address, gasUsed: r.totalGasSpent };
    },
    async send(to, data) {
      const r = await run(to, data);
      const error = r.execResult.exceptionError?.error;
      return {
        reverted: error !== undefined,
        returnValue: r.execResult.returnValue,
        gasUsed: r.totalGasSpent,
        logs: (r.execResult.logs ?? []).map(([address, topics, data]) => ({
          address: bytesToHex(address),
          topics,
          data,
        })),
        ...(error === undefined ? {} : { error }),
      };
    },
  };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

const UINT256_LIMIT = 1n << 256n;

/** The ABI encoding of static arguments: one 32-byte big-endian word per value, in order. */
export function abiWords(values: readonly bigint[]): Uint8Array {
  const out = new Uint8Array(32 * values.length);
  values.forEach((v, i) => {
    if (v < 0n || v >= UINT256_LIMIT) fail("bug", `ABI word ${i} does not fit in a uint256: ${v}`);
    out.set(Buffer.from(v.toString(16).padStart(64, "0"), "hex"), 32 * i);
  });
  return out;
}

/** A call of `signature` (canonical, e.g. `accepted(uint256)`) with static arguments. */
export function abiCall(signature: string, args: readonly bigint[] = []): Uint8Array {
  return concat(functionSelector(signature), abiWords(args));
}

/** An address as the uint256 word the ABI encodes it as. */
export function addressWord(a: Address): bigint {
  return BigInt(a.toString());
}

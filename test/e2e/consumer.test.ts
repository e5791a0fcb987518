/**
 * The consumer pattern of hashed visibility (issue 12): examples/consumer/ModelGate.sol, compiled with
 * solc and run on the in-process EVM in front of the build's snarkjs verifier, accepts a proof only of
 * the committed model on the committed input and records its output commitment, which `zkmlc hash
 * --outputs` reproduces. Proofs the verifier alone accepts (other input, other weights) are refused.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Address } from "@ethereumjs/util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeModel, onnx } from "../../src/1-decode/onnx-builder.js";
import { functionSelector, keccak256, verifierCalldata } from "../../src/6-prove/calldata.js";
import { releaseCurves } from "../../src/6-prove/curve.js";
import { compileContracts, compileVerifier } from "../../src/6-prove/evm.js";
import {
  abiCall,
  abiWords,
  addressWord,
  createChain,
  type EvmChain,
  type TxResult,
} from "../../src/6-prove/evm-chain.js";
import { BN254_R } from "../../src/6-prove/groth16_setup.js";
import { openBuild } from "../../src/steps/build.js";
import { compile } from "../../src/steps/compile.js";
import { hashCommitments } from "../../src/steps/hash-command.js";
import { prove } from "../../src/steps/prove.js";
import { namePublicSignals } from "../../src/steps/public-signals.js";
import { setup } from "../../src/steps/setup.js";
import { verifierSource } from "../../src/steps/verify.js";
import { ROOT } from "../support/cli.js";

const MODEL = join(ROOT, "examples/tiny/model.onnx");
const INPUT = join(ROOT, "examples/tiny/input.json");
const GATE = readFileSync(join(ROOT, "examples/consumer/ModelGate.sol"), "utf8");

const tmp = mkdtempSync(join(tmpdir(), "zkmlc-consumer-"));
const dir = join(tmp, "build");
afterAll(async () => {
  await releaseCurves();
  rmSync(tmp, { recursive: true, force: true });
});

/** examples/tiny/model.onnx with every initializer halved: the same architecture, other weights. */
function halvedModel(): string {
  const m = onnx.ModelProto.decode(readFileSync(MODEL));
  for (const t of m.graph?.initializer ?? []) {
    if (t.floatData?.length) t.floatData = t.floatData.map((v) => v / 2);
    else {
      const raw = Buffer.from(t.rawData ?? []);
      for (let i = 0; i < raw.length; i += 4) raw.writeFloatLE(raw.readFloatLE(i) / 2, i);
      t.rawData = raw;
    }
  }
  const path = join(tmp, "halved.onnx");
  writeFileSync(path, encodeModel(m));
  return path;
}

/** The per-build constants ModelGate.sol declares (N_PUBLIC, INPUT_AT, ...). */
function gateConstants(): Record<string, number> {
  return Object.fromEntries(
    [...GATE.matchAll(/^uint256 constant (\w+) = (\d+);$/gm)].map((m) => [m[1], Number(m[2])]),
  );
}

interface Proof {
  proof: unknown;
  pub: string[];
}

/** Prove, and read the record before the next proof replaces it. */
async function proofOf(input: string, weights?: string): Promise<Proof> {
  const { publicSignals } = await prove(dir, input, weights ? { weights } : {});
  const proof = JSON.parse(readFileSync(join(dir, "groth16", "proof", "proof.json"), "utf8")) as unknown;
  return { proof, pub: publicSignals };
}

let chain: EvmChain;
let verifier: Address;
let gate: Address;
let gateDeployGas: bigint;
let verifierDeployGas: bigint;
let submitSignature: string;
let errors: Map<string, string>;
let model: string;
let input: string;
let valid: Proof;
let outputCommitment: string;

/** The gate's submit with the proof's verifyProof arguments (the same static layout, another selector). */
const submit = (p: Proof) =>
  chain.send(
    gate,
    Buffer.concat([
      functionSelector(submitSignature),
      verifierCalldata("groth16", p.proof, p.pub).data.subarray(4),
    ]),
  );

/** The custom error a reverted call carries, as `Name(args)` with decimal arguments. */
function revertOf(r: TxResult): string {
  expect(r.reverted).toBe(true);
  const selector = Buffer.from(r.returnValue.subarray(0, 4)).toString("hex");
  const sig = errors.get(selector) ?? `0x${selector}()`;
  const args = [];
  for (let at = 4; at + 32 <= r.returnValue.length; at += 32) {
    args.push(BigInt(`0x${Buffer.from(r.returnValue.subarray(at, at + 32)).toString("hex")}`).toString());
  }
  return `${sig.slice(0, sig.indexOf("("))}(${args.join(",")})`;
}

const word = (r: TxResult) => BigInt(`0x${Buffer.from(r.returnValue).toString("hex")}`);

beforeAll(async () => {
  await compile(MODEL, dir, {
    inputRange: [-1, 1],
    inputVisibility: "hashed",
    paramVisibility: "hashed",
    outputVisibility: "hashed",
  });
  await setup(dir);
  valid = await proofOf(INPUT);
  const hashed = await hashCommitments(dir, {
    input: INPUT,
    outputs: join(dir, "groth16", "proof", "output.json"),
  });
  const byRole = (role: string) => hashed.find((h) => h.role === role)?.value ?? "";
  [model, input, outputCommitment] = [byRole("param"), byRole("input"), byRole("output")];

  chain = await createChain();
  const v = await chain.deploy(await compileVerifier(await verifierSource(await openBuild(dir), "groth16")));
  verifier = v.address;
  verifierDeployGas = v.gasUsed;
  const contracts = await compileContracts(GATE, "ModelGate.sol");
  const gateContract = contracts.ModelGate;
  if (!gateContract) throw new Error("ModelGate.sol has no contract ModelGate");
  submitSignature =
    Object.keys(gateContract.methodIdentifiers).find((s) => s.startsWith("submit(")) ?? "submit()";
  errors = new Map(
    (gateContract.abi as { type: string; name: string; inputs: { type: string }[] }[])
      .filter((e) => e.type === "error")
      .map((e) => {
        const sig = `${e.name}(${e.inputs.map((i) => i.type).join(",")})`;
        return [Buffer.from(functionSelector(sig)).toString("hex"), sig];
      }),
  );
  const g = await chain.deploy(gateContract, abiWords([addressWord(verifier), BigInt(model), BigInt(input)]));
  gate = g.address;
  gateDeployGas = g.gasUsed;
});

describe("ModelGate, a contract consuming proofs with hashed inputs, weights and outputs", () => {
  it("declares the build's public-signal layout", async () => {
    const { settings } = await openBuild(dir);
    const k = gateConstants();
    const names = namePublicSignals(settings).map((s) => s.signal);
    const signal = (role: string) => settings.commitments.find((c) => c.role === role)?.signal;
    expect(names.length).toBe(k.N_PUBLIC);
    expect([names[k.INPUT_AT ?? -1], names[k.PARAM_AT ?? -1], names[k.OUTPUT_AT ?? -1]]).toEqual([
      signal("input"),
      signal("param"),
      signal("output"),
    ]);
    expect(submitSignature).toBe(`submit(uint256[2],uint256[2][2],uint256[2],uint256[${k.N_PUBLIC}])`);
    // The model commitment zkmlc hash gives is the compiled model's, as settings.json records it.
    expect(model).toBe(settings.commitments.find((c) => c.role === "param")?.value);
  });

  it("accepts the committed model on the committed input and records the output commitment", async () => {
    const r = await submit(valid);
    expect(r.reverted).toBe(false);
    expect(word(r).toString()).toBe(outputCommitment);
    const accepted = keccak256("Accepted(uint256)");
    const log = r.logs.find((l) => l.topics[0] && Buffer.from(l.topics[0]).equals(accepted));
    expect(log).toBeDefined();
    expect(BigInt(`0x${Buffer.from(log?.topics[1] ?? []).toString("hex")}`).toString()).toBe(
      outputCommitment,
    );
    expect(word(await chain.send(gate, abiCall("accepted(uint256)", [BigInt(outputCommitment)])))).toBe(1n);
    expect(word(await chain.send(gate, abiCall("accepted(uint256)", [BigInt(outputCommitment) + 1n])))).toBe(
      0n,
    );
    // Gas of whole transactions (measured: submit 256,536, verifyProof 228,900; deployments 304,661 for the
    // gate, 385,717 for the verifier): the gate adds its checks, a call, a new storage slot and the event.
    const direct = await chain.send(verifier, verifierCalldata("groth16", valid.proof, valid.pub).data);
    expect(word(direct)).toBe(1n);
    expect(Number(r.gasUsed)).toBeLessThan(Number(direct.gasUsed) + 32_000);
    expect(Number(gateDeployGas)).toBeLessThan(400_000);
    expect(Number(verifierDeployGas)).toBeLessThan(500_000);
  });

  it("refuses a proof of another input, and one of other weights, though the verifier accepts both", async () => {
    const other = join(tmp, "other-input.json");
    writeFileSync(other, JSON.stringify({ input_data: [[0.25, 0.5, -0.5, 0.125]] }));
    const otherInput = await proofOf(other);
    const otherWeights = await proofOf(INPUT, halvedModel());
    expect(otherWeights.pub[gateConstants().INPUT_AT ?? -1]).toBe(input);
    for (const p of [otherInput, otherWeights]) {
      expect(word(await chain.send(verifier, verifierCalldata("groth16", p.proof, p.pub).data))).toBe(1n);
    }
    expect(revertOf(await submit(otherInput))).toBe("WrongInput()");
    expect(revertOf(await submit(otherWeights))).toBe("WrongModel()");
  });

  it("refuses a tampered proof and a public signal >= the field modulus", async () => {
    const p = valid.proof as Record<string, unknown>;
    // A and C swapped: both on the curve, not the proof.
    expect(revertOf(await submit({ ...valid, proof: { ...p, pi_a: p.pi_c, pi_c: p.pi_a } }))).toBe(
      "InvalidProof()",
    );
    const { OUTPUT_AT = -1 } = gateConstants();
    const aliased = valid.pub.map((s, i) => (i === OUTPUT_AT ? (BigInt(s) + BN254_R).toString() : s));
    expect(revertOf(await submit({ ...valid, pub: aliased }))).toBe(`NotAFieldElement(${OUTPUT_AT})`);
    // The verifier refuses it too; the gate's check names the reason.
    expect(word(await chain.send(verifier, verifierCalldata("groth16", valid.proof, aliased).data))).toBe(0n);
  });
});

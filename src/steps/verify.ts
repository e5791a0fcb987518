import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { z } from "zod";
import { snarkVerify } from "../6-prove/snark_verify.js";
import type { ProofSystem } from "../6-prove/systems.js";
import { exportSolidityVerifier } from "../6-prove/verifier_export.js";
import {
  batchDir,
  keyPath,
  PROOF_FILES,
  proofDir,
  readJsonFile,
  requireFile,
  verifierPath,
  writeAtomic,
} from "../artifacts.js";
import { fail, ZkmlError } from "../errors.js";
import { withBuildLock } from "../lock.js";
import { type OpenBuild, openBuild } from "./build.js";
import { commitmentOf, paramCommitment, readWeights } from "./commitments.js";
import { readKeys, setupCommand } from "./keys.js";
import { type DecodedSignals, decodePublicSignals } from "./public-signals.js";
import { type KeyRecord, ProofOutputSchema, parseRecord, type SettingsCommitment } from "./settings.js";

export interface VerifyResult {
  valid: boolean;
  /** Why it is invalid, when it is. */
  reason?: string;
  system: ProofSystem;
  /** Outputs decoded from the public signals that were verified (empty when they cannot be decoded). */
  outputs: { name: string; values: number[] }[];
  /** argmax of the first decoded output. */
  predicted: number;
  /** Public graph inputs read from the same signals (integers, as the circuit holds them). */
  inputs: { name: string; values: string[] }[];
  /**
   * The commitments the proof makes public, and what each was checked against: the outputs in
   * output.json (hashed outputs), the compiled model's weights or --weights (hashed weights).
   */
  commitments: { role: string; signal: string; value: string; checked?: string }[];
}

/** A proof record: proof.json and public.json, and the output.json prove wrote beside them. */
export interface ProofRecord {
  proof: unknown;
  signals: unknown;
  output?: ProofOutput;
}

type ProofOutput = z.infer<typeof ProofOutputSchema>;

/** The proof record of `system` (<build>/<system>/proof/), or the one at `dir` (a batch's <i>/). */
export async function readProofRecord(
  build: OpenBuild,
  system: ProofSystem,
  dir = proofDir(build.dir, system),
): Promise<ProofRecord> {
  const step = `zkmlc prove ${build.dir} --input <input.json> --system ${system}`;
  const proof = await readJsonFile<unknown>(requireFile(join(dir, PROOF_FILES.proof), step));
  const signals = await readJsonFile<unknown>(requireFile(join(dir, PROOF_FILES.public), step));
  const out = join(dir, PROOF_FILES.output);
  const hint = `prove again: \`${step}\``;
  const output = existsSync(out)
    ? parseRecord(ProofOutputSchema, await readJsonFile<unknown>(out, hint), out, hint)
    : undefined;
  return { proof, signals, output };
}

function keyLabel(k: Pick<KeyRecord, "contributions" | "beacon">): string {
  if (k.contributions === 0) return "the initial key";
  return `${k.contributions} phase-2 contribution(s)${k.beacon ? " and the beacon" : ""}`;
}

/** output.json's circuit values must be what the public signals carry: the record is read as a whole. */
function recordMismatch(output: ProofOutput, decoded: DecodedSignals): string | undefined {
  const outs = output.outputs;
  const same =
    outs.length === decoded.outputs.length &&
    decoded.outputs.every(
      (d, k) =>
        outs[k]?.circuit.length === d.values.length && d.values.every((v, i) => outs[k]?.circuit[i] === v),
    );
  if (!same) return "output.json does not hold the outputs that public.json carries (the record was altered)";
  if (output.predicted !== decoded.predicted)
    return "output.json's predicted class is not the argmax of the outputs public.json carries";
  return undefined;
}

/** The commitment of output.json's integers, or undefined when they cannot be a commitment's values. */
function outputCommitment(record: SettingsCommitment, ints: string[][] | undefined): bigint | undefined {
  if (!ints || ints.length !== record.tensors.length) return undefined;
  try {
    return commitmentOf(
      record,
      ints.map((o) => o.map(BigInt)),
    );
  } catch (e) {
    // Values of the wrong count or outside the committed range: not the committed outputs.
    if (e instanceof ZkmlError && e.code !== "bug") return undefined;
    throw e;
  }
}

interface VerifyContext {
  build: OpenBuild;
  system: ProofSystem;
  keys: KeyRecord;
  vkey: object;
  /** --weights: the model a hashed-weights proof must be of; its commitment is computed once, if needed. */
  weights?: string;
  weightsCommitment?: Promise<bigint>;
}

async function verifyContext(
  buildDir: string,
  opts: { system?: ProofSystem; weights?: string },
): Promise<VerifyContext> {
  const build = await openBuild(buildDir);
  const system = opts.system ?? build.settings.system ?? "groth16";
  const keys = await readKeys(build, system, ["vkey"]);
  const vkey = await readJsonFile<object>(keyPath(buildDir, system, "vkey"));
  return { build, system, keys, vkey, weights: opts.weights };
}

/**
 * The `verify` step: proof.json against public.json with the verification key, and the outputs decoded
 * from those public signals. Reads settings.json, the keys record and the proof record only.
 */
export async function verify(
  buildDir: string,
  opts: { system?: ProofSystem; weights?: string } = {},
): Promise<VerifyResult> {
  return withBuildLock(buildDir, "verify", async () => {
    const ctx = await verifyContext(buildDir, opts);
    return verifyRecord(ctx, await readProofRecord(ctx.build, ctx.system));
  });
}

/** Every proof of a batch record (`prove --input` with an array), each verified as `verify` does one. */
export interface BatchVerifyResult {
  system: ProofSystem;
  count: number;
  /** All of them verified. */
  valid: boolean;
  invalid: number;
  proofs: (VerifyResult & { index: number })[];
}

/** Whether the build holds a single proof record and a batch record of `system` (default: the build's). */
export async function proofRecords(
  buildDir: string,
  system?: ProofSystem,
): Promise<{ system: ProofSystem; single: boolean; batch: boolean }> {
  const s = system ?? (await openBuild(buildDir)).settings.system ?? "groth16";
  return { system: s, single: existsSync(proofDir(buildDir, s)), batch: existsSync(batchDir(buildDir, s)) };
}

export async function verifyBatch(
  buildDir: string,
  opts: { system?: ProofSystem; weights?: string } = {},
): Promise<BatchVerifyResult> {
  return withBuildLock(buildDir, "verify", async () => {
    const ctx = await verifyContext(buildDir, opts);
    const dir = batchDir(buildDir, ctx.system);
    requireFile(dir, `zkmlc prove ${buildDir} --input <array of inputs.json> --system ${ctx.system}`);
    const indices = (await readdir(dir))
      .filter((e) => /^(0|[1-9][0-9]*)$/.test(e))
      .map(Number)
      .sort((a, b) => a - b);
    // A record with a proof missing in the middle was not written by prove: refused, not skipped.
    if (indices.some((v, i) => v !== i))
      fail("corrupt-artifact", `${dir} does not hold proofs 0 to ${indices.length - 1}`, {
        hint: `prove the batch again with \`zkmlc prove ${buildDir} --input <inputs.json>\``,
      });
    const proofs: BatchVerifyResult["proofs"] = [];
    for (const index of indices)
      proofs.push({
        index,
        ...(await verifyRecord(ctx, await readProofRecord(ctx.build, ctx.system, join(dir, String(index))))),
      });
    const invalid = proofs.filter((p) => !p.valid).length;
    return { system: ctx.system, count: proofs.length, valid: invalid === 0, invalid, proofs };
  });
}

async function verifyRecord(ctx: VerifyContext, rec: ProofRecord): Promise<VerifyResult> {
  const { build, system, keys, vkey } = ctx;
  const { settings } = build;
  const { proof, signals, output } = rec;
  const decoded = decodePublicSignals(settings, signals);
  const checked = new Map<string, string>();
  let outputs = decoded.outputs;
  let predicted = decoded.predicted;
  const result = (valid: boolean, reason?: string): VerifyResult => ({
    valid,
    ...(reason ? { reason } : {}),
    system,
    outputs,
    predicted,
    inputs: decoded.inputs.map((i) => ({ name: i.name, values: i.values.map(String) })),
    commitments: decoded.commitments.map((c) => ({
      role: c.role,
      signal: c.signal,
      value: c.value.toString(),
      ...(checked.has(c.role) ? { checked: checked.get(c.role) } : {}),
    })),
  });
  if (decoded.problem) return result(false, decoded.problem);
  // Hashed outputs are checked against their commitment below.
  const altered =
    output && settings.visibility.output === "public" ? recordMismatch(output, decoded) : undefined;
  if (altered) return result(false, altered);
  for (const c of decoded.commitments) {
    const record = settings.commitments.find((x) => x.role === c.role);
    if (!record) continue;
    if (c.role === "output" && output) {
      // The outputs the record states must be the ones the proof commits to.
      if (outputCommitment(record, output.ints) !== c.value)
        return result(false, "output.json does not hold the outputs the proof's output commitment is of");
      outputs = output.outputs.map((o, k) => ({
        name: settings.outputs[k]?.name ?? "",
        values: o.circuit,
      }));
      predicted = output.predicted;
      checked.set(c.role, "the outputs in output.json");
    }
    if (c.role === "param") {
      const path = ctx.weights;
      if (path)
        ctx.weightsCommitment ??= readWeights(settings, path).then((w) => paramCommitment(settings, w));
      const expected = ctx.weightsCommitment ? await ctx.weightsCommitment : BigInt(record.value ?? "0");
      const of = path ?? `the compiled model (${settings.model.file})`;
      if (c.value !== expected)
        return result(
          false,
          `the proof is of other weights: its weight commitment is ${c.value}, that of ${of} is ${expected}`,
        );
      checked.set(c.role, `the weights of ${of}`);
    }
  }
  if (await snarkVerify(system, vkey, signals as string[], proof as object)) return result(true);
  if (output && output.key.vkey !== keys.vkey)
    return result(
      false,
      `the proof was made with another ${system} key of this circuit (${keyLabel(output.key)}); the key is now ${keyLabel(keys)}: prove again with \`zkmlc prove ${build.dir} --input <input.json>\``,
    );
  return result(false, "the proof does not verify against public.json with this verification key");
}

/** The `export-verifier` step: the Solidity verifier of the build's verification key. */
export async function exportVerifier(
  buildDir: string,
  opts: { system?: ProofSystem; out?: string } = {},
): Promise<{ path: string; bytes: number; system: ProofSystem }> {
  return withBuildLock(buildDir, "export-verifier", async () => {
    const build = await openBuild(buildDir);
    const system = opts.system ?? build.settings.system ?? "groth16";
    const sol = await verifierSource(build, system);
    const path = opts.out ?? verifierPath(buildDir, system);
    await writeAtomic(path, sol);
    return { path, bytes: Buffer.byteLength(sol), system };
  });
}

/** The Solidity verifier of a build's keys record (the verification key only). */
export async function verifierSource(build: OpenBuild, system: ProofSystem): Promise<string> {
  await readKeys(build, system, ["vkey"]);
  const vkey = await readJsonFile<unknown>(
    keyPath(build.dir, system, "vkey"),
    `run \`${setupCommand(build.dir, system)}\``,
  );
  return exportSolidityVerifier(vkey);
}

import { randomBytes } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { ProofSystem } from "./6-prove/systems.js";
import { fail } from "./errors.js";

/**
 * Every artifact of a build directory, under one fixed name each. A build holds records, each written
 * by one step as a unit (record.ts) so that its files always belong together:
 *
 *   settings.json, model.onnx, circuit.circom, lib/, circuit.r1cs, circuit.sym, circuit_js/,   compile
 *     lowered.bin
 *   witness/ {witness.wtns, input.json, output.json}                                           witness
 *   <system>/keys/ {circuit.zkey, verification_key.json, keys.json}                            setup
 *   <system>/proof/ {proof.json, public.json, output.json, input.json}                         prove
 *   <system>/proofs/ {0/, 1/, ...: the same files per input}                                   prove (batch)
 *   <system>/Verifier.sol                                                                      export-verifier
 */
export const ARTIFACTS = {
  model: "model.onnx",
  settings: "settings.json",
  circuit: "circuit.circom",
  r1cs: "circuit.r1cs",
  sym: "circuit.sym",
  wasm: join("circuit_js", "circuit.wasm"),
  /** compile's lowered program, so the witness steps need not quantize again (steps/lowered.ts). */
  lowered: "lowered.bin",
} as const;

export type ArtifactName = keyof typeof ARTIFACTS;

/** The `witness` step's record. */
export const WITNESS_DIR = "witness";
export const WITNESS_FILES = { wtns: "witness.wtns", input: "input.json", output: "output.json" } as const;

/** Per proof system, in `<build>/<system>/` so the three systems can sit side by side. */
export const KEYS_DIR = "keys";
export const KEY_FILES = {
  zkey: "circuit.zkey",
  vkey: "verification_key.json",
  record: "keys.json",
} as const;
export const PROOF_DIR = "proof";
/** `prove --input` with an array of inputs: one record, `proofs/<i>/` holding PROOF_FILES per input. */
export const BATCH_DIR = "proofs";
export const PROOF_FILES = {
  proof: "proof.json",
  public: "public.json",
  output: "output.json",
  input: "input.json",
} as const;
export const VERIFIER_FILE = "Verifier.sol";

export type KeyFile = keyof typeof KEY_FILES;
export type ProofFile = keyof typeof PROOF_FILES;

export function artifactPath(buildDir: string, name: ArtifactName): string {
  return join(buildDir, ARTIFACTS[name]);
}

export function witnessDir(buildDir: string): string {
  return join(buildDir, WITNESS_DIR);
}

export function keysDir(buildDir: string, system: ProofSystem): string {
  return join(buildDir, system, KEYS_DIR);
}

export function keyPath(buildDir: string, system: ProofSystem, name: KeyFile): string {
  return join(keysDir(buildDir, system), KEY_FILES[name]);
}

export function proofDir(buildDir: string, system: ProofSystem): string {
  return join(buildDir, system, PROOF_DIR);
}

export function batchDir(buildDir: string, system: ProofSystem): string {
  return join(buildDir, system, BATCH_DIR);
}

export function proofPath(buildDir: string, system: ProofSystem, name: ProofFile): string {
  return join(proofDir(buildDir, system), PROOF_FILES[name]);
}

export function verifierPath(buildDir: string, system: ProofSystem): string {
  return join(buildDir, system, VERIFIER_FILE);
}

/** `zkmlc compile` as a user would type it for this build directory. */
export function compileCommand(buildDir: string): string {
  return `zkmlc compile <model.onnx> -o ${buildDir}`;
}

/** A build directory that must exist (as a directory). */
export function requireBuildDir(dir: string): void {
  if (!existsSync(dir))
    fail("missing-artifact", `build directory ${dir} does not exist`, {
      hint: `run \`${compileCommand(dir)}\` first`,
    });
  if (!statSync(dir).isDirectory())
    fail("bad-input", `${dir} is a file, not a build directory`, {
      hint: "pass the directory that `zkmlc compile -o` wrote",
    });
}

/** Path of a compile artifact that must exist, or a `missing-artifact` error saying how to make it. */
export function requireArtifact(buildDir: string, name: ArtifactName): string {
  const path = artifactPath(buildDir, name);
  if (!existsSync(path))
    fail("missing-artifact", `${path} does not exist`, { hint: `run \`${compileCommand(buildDir)}\`` });
  return path;
}

/** A file of a record that must exist; `step` is the command that writes the record. */
export function requireFile(path: string, step: string): string {
  if (!existsSync(path)) fail("missing-artifact", `${path} does not exist`, { hint: `run \`${step}\`` });
  return path;
}

/**
 * Write a file atomically: write a temporary sibling, then rename over the target, so an interrupted
 * run never leaves a half-written artifact that a later step would trust.
 */
export async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** JSON with bigints written as decimal strings; stable key order is the caller's object order. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2)}\n`;
}

export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeAtomic(path, toJson(value));
}

export async function readJsonFile<T>(path: string, hint?: string): Promise<T> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    fail("missing-artifact", `cannot read ${path}`, { cause: e, hint });
  }
  return parseJson<T>(text, path, hint);
}

/** The JSON text of the file at `path`, or a corrupt-artifact error. */
export function parseJson<T>(text: string, path: string, hint?: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    fail("corrupt-artifact", `${path} is not valid JSON: ${(e as Error).message}`, {
      hint: hint ?? "the file is damaged; re-create it with the step that wrote it",
      cause: e,
    });
  }
}

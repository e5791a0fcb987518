import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fail } from "./errors.js";

/** Every artifact of a build directory, under one fixed name each. */
export const ARTIFACTS = {
  model: "model.onnx",
  settings: "settings.json",
  circuit: "circuit.circom",
  r1cs: "circuit.r1cs",
  sym: "circuit.sym",
  wasm: join("circuit_js", "circuit.wasm"),
  witness: "witness.wtns",
  input: "input.json",
  output: "output.json",
} as const;

export type ArtifactName = keyof typeof ARTIFACTS;

/** Artifacts of one proof system, in `<build>/<system>/` so the three systems can sit side by side. */
export const SYSTEM_ARTIFACTS = {
  zkey: "circuit.zkey",
  vkey: "verification_key.json",
  proof: "proof.json",
  public: "public.json",
  verifier: "Verifier.sol",
} as const;

export type SystemArtifactName = keyof typeof SYSTEM_ARTIFACTS;

export function systemArtifactPath(buildDir: string, system: string, name: SystemArtifactName): string {
  return join(buildDir, system, SYSTEM_ARTIFACTS[name]);
}

/** Path of a per-system artifact that must exist, with the step that makes it as the hint. */
export function requireSystemArtifact(buildDir: string, system: string, name: SystemArtifactName): string {
  const path = systemArtifactPath(buildDir, system, name);
  if (!existsSync(path)) {
    const step =
      name === "zkey" || name === "vkey" ? "setup" : name === "verifier" ? "export-verifier" : "prove";
    fail("missing-artifact", `${path} does not exist`, {
      hint: `run \`zkmlc ${step} ${buildDir} --system ${system}\` first`,
    });
  }
  return path;
}

export function artifactPath(buildDir: string, name: ArtifactName): string {
  return join(buildDir, ARTIFACTS[name]);
}

/** The step that produces each artifact, for "missing artifact" hints. */
const PRODUCER: Partial<Record<ArtifactName, string>> = {
  model: "zkmlc compile",
  settings: "zkmlc compile",
  circuit: "zkmlc compile",
  r1cs: "zkmlc compile",
  sym: "zkmlc compile",
  wasm: "zkmlc compile",
  witness: "zkmlc witness",
};

/** Path of an artifact that must exist, or a `missing-artifact` error naming the step that makes it. */
export function requireArtifact(buildDir: string, name: ArtifactName): string {
  const path = artifactPath(buildDir, name);
  if (!existsSync(path)) {
    const step = PRODUCER[name];
    fail("missing-artifact", `${path} does not exist`, {
      hint: step ? `run \`${step} ${buildDir === "." ? "" : buildDir}\` first` : undefined,
    });
  }
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

export async function readJsonArtifact<T>(buildDir: string, name: ArtifactName): Promise<T> {
  const path = requireArtifact(buildDir, name);
  return readJsonFile<T>(path);
}

export async function readJsonFile<T>(path: string): Promise<T> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    fail("missing-artifact", `cannot read ${path}`, { cause: e });
  }
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    fail("corrupt-artifact", `${path} is not valid JSON: ${(e as Error).message}`, {
      hint: "the file is damaged; re-create it with the step that wrote it",
      cause: e,
    });
  }
}

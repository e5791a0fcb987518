import { existsSync, statSync } from "node:fs";
import { mkdir, readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { ARTIFACTS, artifactPath, witnessDir, writeJsonAtomic } from "../artifacts.js";
import { fail } from "../errors.js";
import { LOCK_FILE } from "../lock.js";
import { swapIn } from "../record.js";

/** The folders compile writes besides its files (the circuit library and circom's witness generator). */
const COMPILE_FOLDERS = ["lib", "circuit_js"];

/**
 * Make `dir` ready to hold a build: create it, or accept an existing zkmlc build (or an empty folder).
 * A file, or a folder of someone else's files, is refused: compile replaces what it writes.
 */
export async function prepareBuildDir(dir: string): Promise<void> {
  const hint = "pass -o a new or empty directory, or an earlier zkmlc build directory";
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) fail("bad-input", `${dir} exists and is not a directory`, { hint });
    const entries = (await readdir(dir)).filter((e) => e !== LOCK_FILE);
    const ours = existsSync(artifactPath(dir, "settings")) || existsSync(artifactPath(dir, "circuit"));
    if (entries.length > 0 && !ours)
      fail(
        "bad-input",
        `${dir} is not empty and is not a zkmlc build directory: compile will not write into it`,
        {
          hint,
        },
      );
    return;
  }
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    fail("bad-input", `cannot create the build directory ${dir}: ${(e as Error).message}`, {
      hint,
      cause: e,
    });
  }
}

/**
 * Move a finished compile from `stage` into `dir`. settings.json goes first (removed) and last (written):
 * until it is back, every later step sees an unfinished build and says so, never a mix of two compiles.
 * The witness record belongs to the previous circuit and goes.
 */
export async function commitCompile(stage: string, dir: string, settings: unknown): Promise<void> {
  await rm(artifactPath(dir, "settings"), { force: true });
  for (const f of [ARTIFACTS.model, ARTIFACTS.circuit, ARTIFACTS.r1cs, ARTIFACTS.sym, ARTIFACTS.lowered])
    await rename(join(stage, f), join(dir, f));
  // The direct backend makes no circuit_js/: a previous circom build's goes.
  for (const d of COMPILE_FOLDERS)
    if (existsSync(join(stage, d))) await swapIn(join(stage, d), join(dir, d));
    else await rm(join(dir, d), { recursive: true, force: true });
  await rm(witnessDir(dir), { recursive: true, force: true });
  await writeJsonAtomic(artifactPath(dir, "settings"), settings);
}

import { groth16Setup } from "../6-prove/groth16_setup.js";
import { ensureLocalPtau, requiredPower } from "../6-prove/ptau.js";
import { artifactPath, readJsonArtifact, writeJsonAtomic } from "../artifacts.js";
import { fail } from "../errors.js";
import { type Build, loadBuild } from "./build.js";
import { sha256File } from "./hash.js";

/** keys.json: which keys belong to which circuit, and where the powers of tau came from. */
export interface Keys {
  system: "groth16";
  r1cs: string;
  zkey: string;
  vkey: string;
  ptau: { file: string; power: number; local: boolean };
}

export interface SetupOptions {
  /** A prepared ceremony ptau; without it a local single-party one is made (development only). */
  ptau?: string;
  log?: (s: string) => void;
}

export interface SetupResult {
  keys: Keys;
  power: number;
  ptauCached: boolean;
  developmentOnly: boolean;
}

export const DEV_SETUP_WARNING =
  "this is a single-party local setup: whoever ran it could forge proofs. Use it for development only; for production pass a ceremony file with --ptau (e.g. a Perpetual Powers of Tau / Hermez .ptau prepared for phase 2).";

export async function setup(buildDir: string, opts: SetupOptions = {}): Promise<SetupResult> {
  const build = await loadBuild(buildDir);
  const power = requiredPower(build.settings.circuit.constraints, build.settings.circuit.publicSignals);
  let ptau: { path: string; cached: boolean; power: number };
  if (opts.ptau) {
    ptau = { path: opts.ptau, cached: true, power };
  } else {
    opts.log?.(`making or reusing a local powers of tau of size 2^${power} (development only)`);
    ptau = await ensureLocalPtau(power, { logger: opts.log });
  }
  const zkeyPath = artifactPath(buildDir, "zkey");
  const vkeyPath = artifactPath(buildDir, "vkey");
  opts.log?.("Groth16 setup: zkey and one phase-2 contribution");
  const h = await groth16Setup({
    r1csPath: artifactPath(buildDir, "r1cs"),
    ptauPath: ptau.path,
    zkeyPath,
    vkeyPath,
    logger: opts.log,
  });
  const keys: Keys = {
    system: "groth16",
    r1cs: build.settings.circuit.sha256.r1cs,
    zkey: h.zkeyHash,
    vkey: h.vkeyHash,
    ptau: { file: ptau.path, power: ptau.power, local: !opts.ptau },
  };
  await writeJsonAtomic(artifactPath(buildDir, "keys"), keys);
  return { keys, power, ptauCached: ptau.cached, developmentOnly: !opts.ptau };
}

/** keys.json, checked against the build's r1cs and the key files on disk. */
export async function loadKeys(build: Build, which: ("zkey" | "vkey")[]): Promise<Keys> {
  const keys = await readJsonArtifact<Keys>(build.dir, "keys");
  const rebuild = { hint: `re-run \`zkmlc setup ${build.dir}\`` };
  if (keys.r1cs !== build.settings.circuit.sha256.r1cs) {
    fail(
      "mismatched-artifacts",
      "the keys were made for another circuit than this build's circuit.r1cs",
      rebuild,
    );
  }
  for (const w of which) {
    if ((await sha256File(artifactPath(build.dir, w))) !== keys[w]) {
      fail("mismatched-artifacts", `${artifactPath(build.dir, w)} does not match keys.json`, rebuild);
    }
  }
  return keys;
}

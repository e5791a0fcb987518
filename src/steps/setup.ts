import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { copyFile, mkdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import * as snarkjs from "snarkjs";
import { groth16DevSetup } from "../6-prove/groth16_dev.js";
import { groth16Setup, sha256File } from "../6-prove/groth16_setup.js";
import { cacheDir, ensureLocalPtau, inspectPtau, requiredPower } from "../6-prove/ptau.js";
import { captureSnarkjsLog } from "../6-prove/snark_logger.js";
import type { ProofSystem } from "../6-prove/systems.js";
import { plonkGateCount, universalPower, universalSetup } from "../6-prove/universal_setup.js";
import { artifactPath, requireSystemArtifact, systemArtifactPath, writeJsonAtomic } from "../artifacts.js";
import { fail } from "../errors.js";
import { type Build, loadBuild } from "./build.js";
import { sha256 } from "./hash.js";
import type { KeyRecord } from "./settings.js";

export interface SetupOptions {
  system?: ProofSystem;
  /** A prepared ceremony ptau; without it a local single-party one is made (development only). */
  ptau?: string;
  log?: (s: string) => void;
}

export interface SetupResult {
  system: ProofSystem;
  keys: KeyRecord;
  power: number;
  /** The keys came from the content-addressed key cache. */
  cached: boolean;
  developmentOnly: boolean;
}

export const DEV_SETUP_WARNING =
  "these are development keys from a single-party local setup: whoever ran it could forge proofs. Use them for development only; for production pass a ceremony file with --ptau (a Perpetual Powers of Tau / Hermez .ptau prepared for phase 2) and add phase-2 contributions (see README).";

/** The ptau power a system needs for this build's circuit. */
async function neededPower(build: Build, system: ProofSystem): Promise<number> {
  if (system === "groth16")
    return requiredPower(build.settings.circuit.constraints, build.settings.circuit.publicSignals);
  return universalPower(system, await plonkGateCount(artifactPath(build.dir, "r1cs")));
}

/** Record the keys in settings.json, which later steps check every key file against. */
async function recordKeys(build: Build, system: ProofSystem, keys: KeyRecord): Promise<void> {
  const settings = { ...build.settings, keys: { ...build.settings.keys, [system]: keys } };
  await writeJsonAtomic(artifactPath(build.dir, "settings"), settings);
  build.settings = settings;
}

/**
 * The `setup` step: proving and verification keys for one proof system. Keys are cached by content
 * (r1cs hash, system, ptau hash or "local"), so an unchanged circuit is set up once.
 */
export async function setup(buildDir: string, opts: SetupOptions = {}): Promise<SetupResult> {
  const build = await loadBuild(buildDir);
  const system = opts.system ?? build.settings.system ?? "groth16";
  const r1csHash = build.settings.circuit.sha256.r1cs;
  let ptau: KeyRecord["ptau"];
  if (opts.ptau) {
    if (!existsSync(opts.ptau)) fail("missing-artifact", `powers of tau ${opts.ptau} does not exist`);
    const info = await inspectPtau(opts.ptau);
    ptau = { file: opts.ptau, sha256: await sha256File(opts.ptau), power: info.power, local: false };
  } else {
    const power = await neededPower(build, system);
    ptau = { file: "", sha256: null, power, local: true };
  }
  const cacheKey = sha256(`${r1csHash}:${system}:${ptau.sha256 ?? `local-${ptau.power}`}`);
  const cached = join(cacheDir(), "keys", cacheKey);
  const zkeyPath = systemArtifactPath(buildDir, system, "zkey");
  const vkeyPath = systemArtifactPath(buildDir, system, "vkey");
  await mkdir(join(buildDir, system), { recursive: true });

  let hashes: { zkeyHash: string; vkeyHash: string };
  const fromCache =
    existsSync(join(cached, "circuit.zkey")) && existsSync(join(cached, "verification_key.json"));
  if (fromCache) {
    opts.log?.(`reusing cached ${system} keys for this circuit`);
    await copyAtomic(join(cached, "circuit.zkey"), zkeyPath);
    await copyAtomic(join(cached, "verification_key.json"), vkeyPath);
    hashes = { zkeyHash: await sha256File(zkeyPath), vkeyHash: await sha256File(vkeyPath) };
  } else {
    const r1csPath = artifactPath(buildDir, "r1cs");
    if (system === "groth16" && !opts.ptau) {
      // Development keys straight from CSPRNG toxic waste: no powers of tau at all.
      opts.log?.("groth16 development setup: keys from fresh toxic waste");
      hashes = await groth16DevSetup({ r1csPath, zkeyPath, vkeyPath, logger: opts.log });
    } else {
      let ptauPath = opts.ptau;
      if (!ptauPath) {
        opts.log?.(`making or reusing a local powers of tau of size 2^${ptau.power} (development only)`);
        const local = await ensureLocalPtau(ptau.power, { logger: opts.log });
        ptauPath = local.path;
        ptau = { ...ptau, file: local.path };
      }
      opts.log?.(`${system} setup`);
      hashes =
        system === "groth16"
          ? await groth16Setup({ r1csPath, ptauPath, zkeyPath, vkeyPath, logger: opts.log })
          : await universalSetup({ system, r1csPath, ptauPath, zkeyPath, vkeyPath, logger: opts.log });
    }
    await mkdir(cached, { recursive: true });
    await copyAtomic(zkeyPath, join(cached, "circuit.zkey"));
    await copyAtomic(vkeyPath, join(cached, "verification_key.json"));
  }
  const keys: KeyRecord = {
    r1cs: r1csHash,
    zkey: hashes.zkeyHash,
    vkey: hashes.vkeyHash,
    ptau,
    contributions: system === "groth16" && !ptau.local ? 1 : 0,
    beacon: false,
  };
  await recordKeys(build, system, keys);
  return { system, keys, power: ptau.power, cached: fromCache, developmentOnly: ptau.local };
}

async function copyAtomic(from: string, to: string): Promise<void> {
  const tmp = `${to}.${randomBytes(6).toString("hex")}.tmp`;
  await copyFile(from, tmp);
  await rename(tmp, to);
}

/** The keys recorded for `system`, checked against the build's r1cs and the key files on disk. */
export async function loadKeys(
  build: Build,
  system: ProofSystem,
  which: ("zkey" | "vkey")[],
): Promise<KeyRecord> {
  const keys = build.settings.keys?.[system];
  const rebuild = { hint: `run \`zkmlc setup ${build.dir} --system ${system}\`` };
  if (!keys) fail("missing-artifact", `no ${system} keys have been set up for this circuit`, rebuild);
  if (keys.r1cs !== build.settings.circuit.sha256.r1cs) {
    fail(
      "mismatched-artifacts",
      `the ${system} keys were made for another circuit than circuit.r1cs`,
      rebuild,
    );
  }
  for (const w of which) {
    const path = requireSystemArtifact(build.dir, system, w);
    if ((await sha256File(path)) !== keys[w]) {
      fail(
        "mismatched-artifacts",
        `${path} is not the ${w} recorded in settings.json for this circuit`,
        rebuild,
      );
    }
  }
  return keys;
}

export interface ContributeOptions {
  system?: ProofSystem;
  /** Entropy for the contribution; a CSPRNG's 64 bytes when absent. */
  entropy?: string;
  name?: string;
  /** Finalize with a public random beacon (hex) instead of a secret contribution. */
  beacon?: string;
  beaconIterations?: number;
  log?: (s: string) => void;
}

/** Add a Groth16 phase-2 contribution (or the final beacon) to the build's key. */
export async function contribute(buildDir: string, opts: ContributeOptions): Promise<KeyRecord> {
  const build = await loadBuild(buildDir);
  const system = opts.system ?? "groth16";
  if (system !== "groth16") {
    fail("bad-input", `${system} has a universal setup with no circuit-specific phase 2 to contribute to`, {
      hint: "contributions apply to --system groth16",
    });
  }
  const keys = await loadKeys(build, system, ["zkey"]);
  if (keys.beacon)
    fail("bad-input", "the key was already finalized with a beacon", {
      hint: "run setup again to start over",
    });
  const zkeyPath = systemArtifactPath(buildDir, system, "zkey");
  const vkeyPath = systemArtifactPath(buildDir, system, "vkey");
  const tmp = `${zkeyPath}.${randomBytes(6).toString("hex")}.tmp`;
  const { logger, errors } = captureSnarkjsLog(opts.log);
  const name = opts.name ?? (opts.beacon ? "zkmlc final beacon" : "zkmlc contribution");
  try {
    if (opts.beacon !== undefined) {
      if (!/^([0-9a-fA-F]{2})+$/.test(opts.beacon))
        fail("bad-input", "--beacon takes a hex string (whole bytes)");
      const it = opts.beaconIterations ?? 10;
      if (!Number.isInteger(it) || it < 10 || it > 63)
        fail("bad-input", "--beacon-iterations must be in [10, 63] (2^n hash rounds)");
      await snarkjs.zKey.beacon(zkeyPath, tmp, name, opts.beacon, it, logger);
    } else {
      await snarkjs.zKey.contribute(
        zkeyPath,
        tmp,
        name,
        opts.entropy ?? randomBytes(64).toString("hex"),
        logger,
      );
    }
    if (errors.length > 0) fail("setup-failed", `the contribution failed: ${errors.join("; ")}`);
    const vkey = await snarkjs.zKey.exportVerificationKey(tmp, logger);
    await rename(tmp, zkeyPath);
    await writeJsonAtomic(vkeyPath, vkey);
  } finally {
    await rm(tmp, { force: true });
  }
  const next: KeyRecord = {
    ...keys,
    zkey: await sha256File(zkeyPath),
    vkey: await sha256File(vkeyPath),
    contributions: keys.contributions + 1,
    beacon: opts.beacon !== undefined,
  };
  await recordKeys(build, system, next);
  return next;
}

export interface SetupVerification {
  ok: boolean;
  checks: { what: string; ok: boolean; detail?: string }[];
}

/**
 * `setup --verify`: the ptau's contribution chain (snarkjs powersoftau verify) and the key against the
 * r1cs and the ptau (snarkjs zkey verify for Groth16; for PLONK/FFLONK the deterministic setup is
 * recomputed and compared). Local development keys have no ceremony to verify and fail here.
 */
export async function verifySetup(
  buildDir: string,
  opts: { system?: ProofSystem; ptau?: string; log?: (s: string) => void } = {},
): Promise<SetupVerification> {
  const build = await loadBuild(buildDir);
  const system = opts.system ?? build.settings.system ?? "groth16";
  const keys = await loadKeys(build, system, ["zkey", "vkey"]);
  const ptauPath = opts.ptau ?? (keys.ptau.local ? undefined : keys.ptau.file);
  if (!ptauPath) {
    return {
      ok: false,
      checks: [
        {
          what: "ceremony",
          ok: false,
          detail: "these are local development keys: there is no ceremony to verify (set up with --ptau)",
        },
      ],
    };
  }
  if (!existsSync(ptauPath))
    fail("missing-artifact", `powers of tau ${ptauPath} does not exist`, { hint: "pass it with --ptau" });
  const checks: SetupVerification["checks"] = [];
  const { logger } = captureSnarkjsLog(opts.log);
  if (keys.ptau.sha256 && (await sha256File(ptauPath)) !== keys.ptau.sha256) {
    checks.push({ what: "ptau", ok: false, detail: `${ptauPath} is not the ptau the keys were made with` });
  }
  checks.push({
    what: "powers of tau transcript",
    ok: (await snarkjs.powersOfTau.verify(ptauPath, logger)) === true,
  });
  const zkeyPath = systemArtifactPath(buildDir, system, "zkey");
  const r1csPath = artifactPath(buildDir, "r1cs");
  if (system === "groth16") {
    checks.push({
      what: "zkey against r1cs and ptau",
      ok: (await snarkjs.zKey.verifyFromR1cs(r1csPath, ptauPath, zkeyPath, logger)) === true,
    });
  } else {
    const dir = join(buildDir, system, `verify-${randomBytes(4).toString("hex")}`);
    try {
      const again = await universalSetup({
        system,
        r1csPath,
        ptauPath,
        zkeyPath: join(dir, "z"),
        vkeyPath: join(dir, "v"),
        logger: opts.log,
      });
      checks.push({ what: "zkey recomputed from r1cs and ptau", ok: again.zkeyHash === keys.zkey });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  return { ok: checks.every((c) => c.ok), checks };
}

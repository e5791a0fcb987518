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
import {
  compileCommand,
  KEY_FILES,
  keyPath,
  keysDir,
  requireArtifact,
  writeJsonAtomic,
} from "../artifacts.js";
import { fail } from "../errors.js";
import { withBuildLock } from "../lock.js";
import { writeRecord } from "../record.js";
import { loadBuild, type OpenBuild, openBuild } from "./build.js";
import { sha256 } from "./hash.js";
import { readKeys } from "./keys.js";
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

/** What a local setup is worth, per system: Groth16 has a phase 2 to contribute to, PLONK/FFLONK do not. */
export function devSetupWarning(system: ProofSystem): string {
  const forge = "whoever ran this single-party local setup knew its secrets and could forge proofs";
  return system === "groth16"
    ? `these are development keys: ${forge}. For production, set up from a public ceremony's phase-2-prepared .ptau (--ptau) and have independent parties add phase-2 contributions (--contribute, then --beacon); see README.`
    : `these keys come from a local powers of tau: ${forge}. ${system.toUpperCase()} has a universal setup with no circuit-specific phase 2: its security rests on the ceremony alone, so for production set up from a public ceremony's .ptau (--ptau); see README.`;
}

/** The r1cs the keys are made from, checked against settings.json. */
async function checkedR1cs(build: OpenBuild): Promise<string> {
  const path = requireArtifact(build.dir, "r1cs");
  if ((await sha256File(path)) !== build.settings.circuit.sha256.r1cs)
    fail("mismatched-artifacts", `${path} does not belong to this build's settings.json`, {
      hint: `rebuild with \`${compileCommand(build.dir)}\``,
    });
  return path;
}

/** The ptau power a system needs for this build's circuit. */
async function neededPower(build: OpenBuild, system: ProofSystem, r1csPath: string): Promise<number> {
  if (system === "groth16")
    return requiredPower(build.settings.circuit.constraints, build.settings.circuit.publicSignals);
  return universalPower(system, await plonkGateCount(r1csPath));
}

/**
 * The `setup` step: proving and verification keys for one proof system, written as one record with
 * their hashes (<build>/<system>/keys/). Keys are cached by content (r1cs hash, system, ptau hash or
 * "local"), so an unchanged circuit is set up once.
 */
export async function setup(buildDir: string, opts: SetupOptions = {}): Promise<SetupResult> {
  return withBuildLock(buildDir, "setup", () => setupLocked(buildDir, opts), { log: opts.log });
}

async function setupLocked(buildDir: string, opts: SetupOptions): Promise<SetupResult> {
  // The keys bind settings.json (keys.json records its hash), so it is checked against the model first.
  const build = await loadBuild(buildDir, { rederive: true });
  const system = opts.system ?? build.settings.system ?? "groth16";
  const r1csPath = requireArtifact(buildDir, "r1cs"); // its hash was checked by loadBuild
  const r1csHash = build.settings.circuit.sha256.r1cs;
  let ptau: KeyRecord["ptau"];
  if (opts.ptau) {
    if (!existsSync(opts.ptau)) fail("missing-artifact", `powers of tau ${opts.ptau} does not exist`);
    const info = await inspectPtau(opts.ptau);
    ptau = { file: opts.ptau, sha256: await sha256File(opts.ptau), power: info.power, local: false };
  } else {
    ptau = { file: "", sha256: null, power: await neededPower(build, system, r1csPath), local: true };
  }
  const cached = join(
    cacheDir(),
    "keys",
    sha256(`${r1csHash}:${system}:${ptau.sha256 ?? `local-${ptau.power}`}`),
  );
  const fromCache = existsSync(join(cached, KEY_FILES.zkey)) && existsSync(join(cached, KEY_FILES.vkey));

  return writeRecord(keysDir(buildDir, system), async (tmp) => {
    const zkeyPath = join(tmp, KEY_FILES.zkey);
    const vkeyPath = join(tmp, KEY_FILES.vkey);
    if (fromCache) {
      opts.log?.(`reusing cached ${system} keys for this circuit`);
      await copyFile(join(cached, KEY_FILES.zkey), zkeyPath);
      await copyFile(join(cached, KEY_FILES.vkey), vkeyPath);
    } else {
      if (system === "groth16" && !opts.ptau) {
        // Development keys straight from CSPRNG toxic waste: no powers of tau at all.
        opts.log?.("groth16 development setup: keys from fresh toxic waste");
        await groth16DevSetup({ r1csPath, zkeyPath, vkeyPath, logger: opts.log });
      } else {
        let ptauPath = opts.ptau;
        if (!ptauPath) {
          opts.log?.(`making or reusing a local powers of tau of size 2^${ptau.power} (development only)`);
          const local = await ensureLocalPtau(ptau.power, { logger: opts.log });
          ptauPath = local.path;
          ptau = { ...ptau, file: local.path };
        }
        opts.log?.(`${system} setup`);
        if (system === "groth16")
          await groth16Setup({ r1csPath, ptauPath, zkeyPath, vkeyPath, logger: opts.log });
        else await universalSetup({ system, r1csPath, ptauPath, zkeyPath, vkeyPath, logger: opts.log });
      }
      await mkdir(cached, { recursive: true });
      await copyAtomic(zkeyPath, join(cached, KEY_FILES.zkey));
      await copyAtomic(vkeyPath, join(cached, KEY_FILES.vkey));
    }
    const keys: KeyRecord = {
      system,
      settings: build.settingsHash,
      r1cs: r1csHash,
      zkey: await sha256File(zkeyPath),
      vkey: await sha256File(vkeyPath),
      ptau,
      contributions: system === "groth16" && !ptau.local ? 1 : 0,
      beacon: false,
    };
    await writeJsonAtomic(join(tmp, KEY_FILES.record), keys);
    return { system, keys, power: ptau.power, cached: fromCache, developmentOnly: ptau.local };
  });
}

/** Copy into the shared key cache under a temporary name, then rename: readers never see a partial key. */
async function copyAtomic(from: string, to: string): Promise<void> {
  const tmp = `${to}.${randomBytes(6).toString("hex")}.tmp`;
  await copyFile(from, tmp);
  await rename(tmp, to);
}

export interface ContributeOptions {
  system?: ProofSystem;
  /** Entropy for the contribution; a CSPRNG's 64 bytes when absent. */
  entropy?: string;
  name?: string;
  /** Finalize with a public random beacon (hex, optionally 0x-prefixed) instead of a secret contribution. */
  beacon?: string;
  beaconIterations?: number;
  log?: (s: string) => void;
}

/** A beacon value as snarkjs takes it: whole bytes of hex, without a 0x prefix. */
export function beaconHex(beacon: string): string {
  const hex = beacon.replace(/^0x/i, "");
  if (!/^([0-9a-fA-F]{2})+$/.test(hex))
    fail(
      "bad-input",
      `--beacon takes a hex string of whole bytes (a block hash, 0x-prefixed or not), got "${beacon}"`,
    );
  return hex;
}

/** Add a Groth16 phase-2 contribution (or the final beacon) to the build's key. */
export async function contribute(buildDir: string, opts: ContributeOptions): Promise<KeyRecord> {
  return withBuildLock(buildDir, "setup", () => contributeLocked(buildDir, opts), { log: opts.log });
}

async function contributeLocked(buildDir: string, opts: ContributeOptions): Promise<KeyRecord> {
  const build = await openBuild(buildDir);
  const system = opts.system ?? "groth16";
  if (system !== "groth16") {
    fail("bad-input", `${system} has a universal setup with no circuit-specific phase 2 to contribute to`, {
      hint: "contributions apply to --system groth16",
    });
  }
  const beacon = opts.beacon === undefined ? undefined : beaconHex(opts.beacon);
  const it = opts.beaconIterations ?? 10;
  if (!Number.isInteger(it) || it < 10 || it > 63)
    fail("bad-input", "--beacon-iterations must be in [10, 63] (2^n hash rounds)");
  const keys = await readKeys(build, system, ["zkey"]);
  if (keys.beacon)
    fail("bad-input", "the key was already finalized with a beacon", {
      hint: `run \`${`zkmlc setup ${buildDir}`}\` again to start over`,
    });
  const current = keyPath(buildDir, system, "zkey");
  return writeRecord(keysDir(buildDir, system), async (tmp) => {
    const zkeyPath = join(tmp, KEY_FILES.zkey);
    const { logger, errors } = captureSnarkjsLog(opts.log);
    const name = opts.name ?? (beacon ? "zkmlc final beacon" : "zkmlc contribution");
    if (beacon !== undefined) await snarkjs.zKey.beacon(current, zkeyPath, name, beacon, it, logger);
    else
      await snarkjs.zKey.contribute(
        current,
        zkeyPath,
        name,
        opts.entropy ?? randomBytes(64).toString("hex"),
        logger,
      );
    if (errors.length > 0 || !existsSync(zkeyPath))
      fail("setup-failed", `the contribution failed: ${errors.join("; ") || "snarkjs wrote no key"}`);
    const vkeyPath = join(tmp, KEY_FILES.vkey);
    await writeJsonAtomic(vkeyPath, await snarkjs.zKey.exportVerificationKey(zkeyPath, logger));
    const next: KeyRecord = {
      ...keys,
      zkey: await sha256File(zkeyPath),
      vkey: await sha256File(vkeyPath),
      contributions: keys.contributions + 1,
      beacon: beacon !== undefined,
    };
    await writeJsonAtomic(join(tmp, KEY_FILES.record), next);
    return next;
  });
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
  return withBuildLock(buildDir, "setup --verify", () => verifySetupLocked(buildDir, opts), {
    log: opts.log,
  });
}

async function verifySetupLocked(
  buildDir: string,
  opts: { system?: ProofSystem; ptau?: string; log?: (s: string) => void },
): Promise<SetupVerification> {
  const build = await openBuild(buildDir);
  const system = opts.system ?? build.settings.system ?? "groth16";
  const keys = await readKeys(build, system, ["zkey", "vkey"]);
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
  const r1csPath = await checkedR1cs(build);
  const checks: SetupVerification["checks"] = [];
  const { logger } = captureSnarkjsLog(opts.log);
  if (keys.ptau.sha256 && (await sha256File(ptauPath)) !== keys.ptau.sha256) {
    checks.push({ what: "ptau", ok: false, detail: `${ptauPath} is not the ptau the keys were made with` });
  }
  checks.push({
    what: "powers of tau transcript",
    ok: (await snarkjs.powersOfTau.verify(ptauPath, logger)) === true,
  });
  const zkeyPath = keyPath(buildDir, system, "zkey");
  if (system === "groth16") {
    checks.push({
      what: "zkey against r1cs and ptau",
      ok: (await snarkjs.zKey.verifyFromR1cs(r1csPath, ptauPath, zkeyPath, logger)) === true,
    });
  } else {
    const dir = join(buildDir, system, `verify.tmp-${randomBytes(6).toString("hex")}`);
    try {
      await universalSetup({
        system,
        r1csPath,
        ptauPath,
        zkeyPath: join(dir, "z"),
        vkeyPath: join(dir, "v"),
        logger: opts.log,
      });
      checks.push({
        what: "zkey recomputed from r1cs and ptau",
        ok: (await sha256File(join(dir, "z"))) === keys.zkey,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  return { ok: checks.every((c) => c.ok), checks };
}

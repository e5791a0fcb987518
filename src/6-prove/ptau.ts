/**
 * Local, single-party powers of tau for development builds.
 *
 * A ptau made here is NOT a trusted setup: this machine saw the secret τ (it is discarded, but nobody
 * else can check that). Production keys need a public ceremony's ptau (e.g. the Hermez/Perpetual
 * Powers of Tau files). Locally made files are cached as `<cacheDir>/local_pot<power>_final.ptau`.
 * They are written directly from τ, α, β (ptau_fast.ts: byte-identical to what `prepare phase2` makes
 * of the same powers; 2^12 in ~2 s where the snarkjs chain took ~100 s) and carry no contribution
 * record, so `snarkjs powersoftau verify` rejects them; the setups never read that record.
 *
 * Groth16 setups need `nConstraints + nPublic + 1 <= 2^power`; a prepared ptau of a larger power
 * serves a smaller circuit too (snarkjs reads the Lagrange points of the circuit's own power from it),
 * so a cached larger file is reused rather than making a new one.
 *
 * Concurrency: several processes (parallel test workers) may ask for the same power at once. Files
 * are generated under unique temporary names in the cache directory and renamed into place, so a
 * reader never sees a partial file; an exclusive lock file (`open(..., "wx")`) makes the others wait
 * for the first instead of repeating the work. A lock whose process is gone is broken.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, open, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import * as snarkjs from "snarkjs";
import { fail } from "../errors.js";
import { openBinFile } from "./binfile.js";
import { cacheDir, localPtauName } from "./cache-dir.js";
import "./curve.js";
import { MAX_FAST_POWER, writeFastPtau } from "./ptau_fast.js";
import { captureSnarkjsLog } from "./snark_logger.js";

/** bn128 supports FFT domains up to 2^28. */
export const MAX_POWER = 28;
export const MIN_POWER = 8;

/** The Groth16 domain's power: smallest c with nConstraints + nPublic + 1 <= 2^c (snarkjs's `cirPower`). */
export function circuitPower(nConstraints: number, nPublic: number): number {
  const need = nConstraints + nPublic + 1;
  let c = 0;
  while (2 ** c < need) c++;
  return c;
}

/** The ptau power to use for a Groth16 circuit: `circuitPower`, at least 8. */
export function requiredPower(nConstraints: number, nPublic: number): number {
  return Math.max(MIN_POWER, circuitPower(nConstraints, nPublic));
}

export { cacheDir, localPtauName };

export interface PtauInfo {
  power: number;
  ceremonyPower: number;
  /** Has the Lagrange sections (12-15) that `preparePhase2` adds, with the sizes a bn128 file needs. */
  prepared: boolean;
}

const G1_BYTES = 64;
const G2_BYTES = 128;

/**
 * Read a ptau's header and section table without loading it: power, and whether it is prepared for
 * phase 2 and complete (every section present with the size its power implies). Throws
 * corrupt-artifact for a file that is not a bn128 ptau or is truncated.
 */
export async function inspectPtau(path: string): Promise<PtauInfo> {
  const f = await openBinFile(path, "ptau", "bn128 powers-of-tau file", "pass a .ptau file");
  try {
    const corrupt = (why: string): never =>
      fail("corrupt-artifact", `${path} is not a valid bn128 powers-of-tau file: ${why}`, {
        hint: "delete it; zkmlc makes a new local one, or download the ceremony file again",
      });
    const one = (id: number) => {
      const list = f.sections.get(id);
      if (list && list.length > 1) corrupt(`section ${id} appears twice`);
      return list?.[0];
    };
    const h = one(1);
    if (!h) return corrupt("no header section");
    const n8 = (await f.read(h.pos, 4)).readUInt32LE(0);
    if (n8 !== 32) corrupt(`field element size ${n8}, expected 32 (bn128)`);
    const pb = await f.read(h.pos + 4 + n8, 8);
    const power = pb.readUInt32LE(0);
    const ceremonyPower = pb.readUInt32LE(4);
    if (power < 1 || power > MAX_POWER) corrupt(`power ${power}`);
    const n = 2 ** power;
    const expect: Array<[number, number]> = [
      [2, (2 * n - 1) * G1_BYTES],
      [3, n * G2_BYTES],
      [4, n * G1_BYTES],
      [5, n * G1_BYTES],
    ];
    for (const [id, len] of expect) {
      if (one(id)?.size !== len) corrupt(`section ${id} has the wrong size for power ${power}`);
    }
    const prepSizes: Array<[number, number]> = [
      [12, (4 * n - 1) * G1_BYTES],
      [13, (2 * n - 1) * G2_BYTES],
      [14, (2 * n - 1) * G1_BYTES],
      [15, (2 * n - 1) * G1_BYTES],
    ];
    const prepared = prepSizes.every(([id, len]) => one(id)?.size === len);
    if (!prepared && prepSizes.some(([id]) => f.sections.has(id))) corrupt("incomplete phase-2 preparation");
    return { power, ceremonyPower, prepared };
  } finally {
    await f.close();
  }
}

async function findCached(
  dir: string,
  power: number,
  allowLarger: boolean,
): Promise<{ path: string; power: number } | undefined> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return undefined;
  }
  const candidates = names
    .map((n) => ({ n, m: /^local_pot(\d+)_final\.ptau$/.exec(n) }))
    .filter((c) => c.m && (allowLarger ? Number(c.m[1]) >= power : Number(c.m[1]) === power))
    .map((c) => ({ path: join(dir, c.n), power: Number(c.m?.[1]) }))
    .sort((a, b) => a.power - b.power);
  for (const c of candidates) {
    try {
      const info = await inspectPtau(c.path);
      if (info.prepared && info.power === c.power) return c;
    } catch {
      // a damaged cache entry: ignore it (a fresh file of that power replaces it by rename)
    }
  }
  return undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface LockInfo {
  pid: number;
  host: string;
  time: number;
}

/** Is the lock held by a process that is still running? Unknown hosts count as alive until maxAge. */
async function lockIsLive(lockPath: string, maxAgeMs: number): Promise<boolean> {
  try {
    const [text, st] = await Promise.all([readFile(lockPath, "utf8"), stat(lockPath)]);
    if (Date.now() - st.mtimeMs > maxAgeMs) return false;
    let info: LockInfo | undefined;
    try {
      info = JSON.parse(text) as LockInfo;
    } catch {
      // being written right now
      return Date.now() - st.mtimeMs < 10_000;
    }
    if (info.host !== hostname()) return true;
    try {
      process.kill(info.pid, 0);
      return true;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === "EPERM";
    }
  } catch {
    return false; // vanished
  }
}

async function tryLock(lockPath: string): Promise<boolean> {
  try {
    const fh = await open(lockPath, "wx");
    try {
      const info: LockInfo = { pid: process.pid, host: hostname(), time: Date.now() };
      await fh.writeFile(JSON.stringify(info));
    } finally {
      await fh.close();
    }
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw e;
  }
}

export interface EnsurePtauOptions {
  logger?: (s: string) => void;
  /** Stop waiting for another process's lock after this long and generate anyway (default 3 h). */
  maxWaitMs?: number;
  /** Accept a cached prepared ptau of a larger power (default true). */
  allowLarger?: boolean;
}

/**
 * A prepared (phase-2-ready) local ptau of at least `power`: a cached file (exactly that power, or the
 * smallest larger one), or a new one made by `generateLocalPtau` and cached.
 */
export async function ensureLocalPtau(
  power: number,
  opts: EnsurePtauOptions = {},
): Promise<{ path: string; cached: boolean; power: number }> {
  if (!Number.isInteger(power) || power < 1 || power > MAX_POWER) {
    fail("setup-failed", `a powers-of-tau power must be an integer in [1, ${MAX_POWER}], got ${power}`, {
      hint: `bn128 supports circuits up to 2^${MAX_POWER} constraints`,
    });
  }
  const log = opts.logger ?? (() => {});
  const dir = cacheDir();
  await mkdir(dir, { recursive: true });
  const lookup = () => findCached(dir, power, opts.allowLarger !== false);

  const hit = await lookup();
  if (hit) return { ...hit, cached: true };

  const lockPath = join(dir, `local_pot${power}.lock`);
  const maxWait = opts.maxWaitMs ?? 3 * 3600_000;
  const started = Date.now();
  let locked = false;
  let announced = false;
  while (!locked) {
    locked = await tryLock(lockPath);
    if (locked) break;
    if (!(await lockIsLive(lockPath, maxWait))) {
      log(`removing a stale lock ${lockPath}`);
      await rm(lockPath, { force: true });
      continue;
    }
    if (!announced) {
      log(`waiting for another process to finish the 2^${power} powers of tau (${lockPath})`);
      announced = true;
    }
    await sleep(500);
    const other = await lookup();
    if (other) return { ...other, cached: true };
    if (Date.now() - started > maxWait) {
      log(`gave up waiting for ${lockPath}; generating independently`);
      break;
    }
  }
  try {
    // Another process may have finished between our lookup and taking the lock.
    const again = await lookup();
    if (again) return { ...again, cached: true };
    const path = join(dir, localPtauName(power));
    await generateLocalPtau(power, path, log);
    return { path, cached: false, power };
  } finally {
    if (locked) await rm(lockPath, { force: true });
  }
}

/**
 * Make a prepared single-party ptau of `power` at `finalPath` (atomically: a temporary file, then
 * rename): written directly from fresh CSPRNG secrets τ, α, β (see ptau_fast.ts; seconds instead of
 * minutes), or for a power above MAX_FAST_POWER with the snarkjs chain.
 */
export async function generateLocalPtau(
  power: number,
  finalPath: string,
  log: (s: string) => void,
): Promise<void> {
  if (power > MAX_FAST_POWER) return generateLocalPtauSnarkjs(power, finalPath, log);
  const tmp = `${finalPath}.${randomBytes(6).toString("hex")}.fast.tmp`;
  try {
    log(`making a local (single-party, development only) powers of tau 2^${power}`);
    const t = Date.now();
    await writeFastPtau(power, tmp, { log });
    await checkGenerated(tmp, power);
    await rename(tmp, finalPath);
    log(`ptau 2^${power}: written in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  } catch (e) {
    if (e instanceof Error && e.name === "ZkmlError") throw e;
    fail("setup-failed", `could not make a local powers of tau 2^${power}: ${(e as Error).message}`, {
      cause: e,
    });
  } finally {
    if (existsSync(tmp)) await rm(tmp, { force: true });
  }
}

async function checkGenerated(path: string, power: number): Promise<void> {
  const info = await inspectPtau(path);
  if (!info.prepared || info.power !== power) {
    fail("setup-failed", `the generated ptau is not a prepared 2^${power} file`);
  }
}

/**
 * The same with snarkjs alone (new accumulator, one contribution with 64 bytes of CSPRNG entropy,
 * preparePhase2): minutes from 2^12 on. Kept as the reference the direct writer is checked against.
 */
export async function generateLocalPtauSnarkjs(
  power: number,
  finalPath: string,
  log: (s: string) => void,
): Promise<void> {
  const tag = randomBytes(6).toString("hex");
  const tmp = (step: string) => `${finalPath}.${tag}.${step}.tmp`;
  const files = [tmp("new"), tmp("contrib"), tmp("prepared")];
  const [fNew, fContrib, fPrepared] = files as [string, string, string];
  const { logger, errors } = captureSnarkjsLog(log);
  const check = (step: string) => {
    if (errors.length > 0) {
      fail("setup-failed", `powers of tau (${step}) failed: ${errors.join("; ")}`);
    }
  };
  try {
    log(`making a local (single-party, development only) powers of tau 2^${power}`);
    const curve = await snarkjs.curves.getCurveFromName("bn128");
    let t = Date.now();
    await snarkjs.powersOfTau.newAccumulator(curve, power, fNew, logger);
    check("new accumulator");
    const entropy = randomBytes(64).toString("hex");
    await snarkjs.powersOfTau.contribute(fNew, fContrib, "zkmlc local contribution", entropy, logger);
    check("contribute");
    await rm(fNew, { force: true });
    log(`ptau 2^${power}: accumulator and contribution in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    t = Date.now();
    await snarkjs.powersOfTau.preparePhase2(fContrib, fPrepared, logger);
    check("prepare phase 2");
    log(`ptau 2^${power}: phase-2 preparation in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    await checkGenerated(fPrepared, power);
    await rename(fPrepared, finalPath);
  } catch (e) {
    if (e instanceof Error && e.name === "ZkmlError") throw e;
    fail("setup-failed", `could not make a local powers of tau 2^${power}: ${(e as Error).message}`, {
      cause: e,
    });
  } finally {
    for (const f of files) if (existsSync(f)) await rm(f, { force: true });
  }
}

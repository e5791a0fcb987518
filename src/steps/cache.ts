/**
 * `zkmlc cache`: what the key and powers-of-tau cache holds, and pruning it.
 *
 * The cache (`$ZKMLC_CACHE`, default ~/.cache/zkmlc) holds
 * - `keys/<sha256>/`: the keys `setup` made for one circuit, system and ptau (circuit.zkey,
 *   verification_key.json); setup trusts a folder that has both files;
 * - `local_pot<power>_final.ptau`: local development powers of tau;
 * - temporary files of a setup or ptau being written (`*.tmp`), or left behind by a crash, and
 *   `.prune-*` leftovers of an interrupted prune.
 *
 * Pruning never leaves half an entry where setup looks: an entry is first renamed to a `.prune-*`
 * name inside the cache (atomic, and a name setup never reads), then deleted.
 */
import { randomBytes } from "node:crypto";
import { lstat, readdir, readFile, rename, rm } from "node:fs/promises";
import { basename, join } from "node:path";
import { cacheDir, KEYS_SUBDIR, LOCAL_PTAU_RE } from "../6-prove/cache-dir.js";
import { KEY_FILES } from "../artifacts.js";
import { fail } from "../errors.js";

export type CacheKind = "keys" | "ptau" | "temp";

export interface CacheEntry {
  kind: CacheKind;
  /** keys: the folder's hash; ptau and temp: the file's path within the cache. */
  id: string;
  path: string;
  bytes: number;
  /** ISO time the entry was last read or written (the latest access or modification time of its files). */
  lastUsed: string;
  /** keys: the proof system (the verification key's protocol), when it can be read. */
  system?: string;
  /** ptau: its power. */
  power?: number;
  /** keys: both key files are there (a folder without them is being written, or a crash's leftover). */
  complete?: boolean;
}

export interface CacheListing {
  dir: string;
  entries: CacheEntry[];
  totalBytes: number;
}

export interface PruneOptions {
  /** Remove entries not used for this many days. */
  olderThanDays?: number;
  /** Remove every entry of the chosen kinds, whatever its age (overrides olderThanDays). */
  all?: boolean;
  /** Only keys (with `ptau`: keys and ptau). Neither: keys, ptau and temporary files. */
  keys?: boolean;
  ptau?: boolean;
  /** The current time (ms since the epoch), for tests. */
  now?: number;
}

export interface PruneResult {
  dir: string;
  removed: CacheEntry[];
  freedBytes: number;
  /** Entries left in the cache. */
  kept: number;
}

/**
 * A temporary file or an incomplete key folder younger than this may belong to a setup running right
 * now: prune leaves it, even with --all.
 */
export const IN_FLIGHT_MS = 3600_000;

const PRUNE_PREFIX = ".prune-";

const exists = async (p: string) => {
  try {
    return await lstat(p);
  } catch {
    return undefined;
  }
};

const lastUsed = (st: { atimeMs: number; mtimeMs: number }) => Math.max(st.atimeMs, st.mtimeMs);

/**
 * Size and last use of a file or folder (recursively). Listing reads each verification key (for its
 * system), which moves its access time: only its modification time counts; setup reads the zkey
 * beside it whenever it uses the entry.
 */
async function measure(path: string): Promise<{ bytes: number; used: number }> {
  const st = await lstat(path);
  if (!st.isDirectory())
    return { bytes: st.size, used: path.endsWith(KEY_FILES.vkey) ? st.mtimeMs : lastUsed(st) };
  let bytes = 0;
  let used = st.mtimeMs;
  for (const name of await readdir(path)) {
    const m = await measure(join(path, name)).catch(() => ({ bytes: 0, used: 0 }));
    bytes += m.bytes;
    used = Math.max(used, m.used);
  }
  return { bytes, used };
}

async function keySystem(dir: string): Promise<string | undefined> {
  try {
    const vkey = JSON.parse(await readFile(join(dir, KEY_FILES.vkey), "utf8")) as { protocol?: unknown };
    return typeof vkey.protocol === "string" ? vkey.protocol : undefined;
  } catch {
    return undefined;
  }
}

const isPruneLeftover = (e: CacheEntry) => basename(e.path).startsWith(PRUNE_PREFIX);
const isTemp = (name: string) => name.startsWith(PRUNE_PREFIX) || name.endsWith(".tmp");

/** Every entry of the cache, oldest use first. A missing cache is an empty one. */
export async function listCache(dir: string = cacheDir()): Promise<CacheListing> {
  const entries: CacheEntry[] = [];
  const add = async (e: Omit<CacheEntry, "bytes" | "lastUsed">) => {
    const m = await measure(e.path).catch(() => undefined);
    if (m) entries.push({ ...e, bytes: m.bytes, lastUsed: new Date(m.used).toISOString() });
  };
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const path = join(dir, name);
    const power = LOCAL_PTAU_RE.exec(name)?.[1];
    if (power !== undefined) await add({ kind: "ptau", id: name, path, power: Number(power) });
    else if (isTemp(name)) await add({ kind: "temp", id: name, path });
  }
  const keysRoot = join(dir, KEYS_SUBDIR);
  for (const name of await readdir(keysRoot).catch(() => [] as string[])) {
    const path = join(keysRoot, name);
    if (isTemp(name)) {
      await add({ kind: "temp", id: join(KEYS_SUBDIR, name), path });
      continue;
    }
    if (!/^[0-9a-f]{64}$/.test(name) || !(await exists(path))?.isDirectory()) continue;
    const complete = Boolean(
      (await exists(join(path, KEY_FILES.zkey))) && (await exists(join(path, KEY_FILES.vkey))),
    );
    await add({
      kind: "keys",
      id: name,
      path,
      system: complete ? await keySystem(path) : undefined,
      complete,
    });
  }
  entries.sort((a, b) => a.lastUsed.localeCompare(b.lastUsed) || a.id.localeCompare(b.id));
  return { dir, entries, totalBytes: entries.reduce((s, e) => s + e.bytes, 0) };
}

/** Remove one entry: renamed out of setup's sight first, then deleted. */
async function removeEntry(dir: string, e: CacheEntry): Promise<void> {
  if (isPruneLeftover(e)) {
    await rm(e.path, { recursive: true, force: true });
    return;
  }
  const parent = e.kind === "keys" ? join(dir, KEYS_SUBDIR) : dir;
  const doomed = join(parent, `${PRUNE_PREFIX}${basename(e.path)}.${randomBytes(4).toString("hex")}`);
  try {
    await rename(e.path, doomed);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return; // removed by someone else meanwhile
    throw err;
  }
  await rm(doomed, { recursive: true, force: true });
}

/** Remove the entries `opts` selects; see PruneOptions. */
export async function pruneCache(opts: PruneOptions, dir: string = cacheDir()): Promise<PruneResult> {
  const days = opts.olderThanDays;
  if (days !== undefined && (!Number.isFinite(days) || days < 0))
    fail("bad-input", `--older-than takes a number of days >= 0, got ${days}`);
  if (days === undefined && !opts.all)
    fail("bad-input", "cache prune needs --older-than <days> or --all", {
      hint: "`zkmlc cache` lists the entries and when each was last used",
    });
  const now = opts.now ?? Date.now();
  const kinds = new Set<CacheKind>(
    opts.keys || opts.ptau
      ? [...(opts.keys ? (["keys"] as const) : []), ...(opts.ptau ? (["ptau"] as const) : [])]
      : ["keys", "ptau", "temp"],
  );
  const { entries } = await listCache(dir);
  const removed: CacheEntry[] = [];
  for (const e of entries) {
    const age = now - Date.parse(e.lastUsed);
    // An interrupted prune's leftover is garbage whatever its age; nothing else reads it.
    const leftover = e.kind === "temp" && isPruneLeftover(e);
    const inFlight = (e.kind === "temp" || e.complete === false) && age < IN_FLIGHT_MS && !leftover;
    const old = leftover || opts.all === true || (days !== undefined && age >= days * 86_400_000);
    if (!kinds.has(e.kind) || !old || inFlight) continue;
    await removeEntry(dir, e);
    removed.push(e);
  }
  return {
    dir,
    removed,
    freedBytes: removed.reduce((s, e) => s + e.bytes, 0),
    kept: entries.length - removed.length,
  };
}

/** 1536 -> "1.5 KiB". */
export function bytesText(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

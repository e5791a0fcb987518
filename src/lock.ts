import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes } from "node:crypto";
import { readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { requireBuildDir } from "./artifacts.js";
import { fail } from "./errors.js";
import { recoverRecords } from "./record.js";

/**
 * One step at a time per build directory. Two `prove`s at once would interleave their records (a
 * proof of one input beside the outputs of another); a `verify` during a `prove` could read a record
 * mid-swap. A step holds `<build>/.zkmlc.lock` (created exclusively) while it runs; a second step waits
 * for it, and takes over a lock whose process has died (same host). Nested steps of one async call
 * chain (`run` calling `prove`) share the lock instead of waiting for themselves.
 */
export const LOCK_FILE = ".zkmlc.lock";

interface Holder {
  pid: number;
  host: string;
  step: string;
  since: string;
  token: string;
}

const held = new AsyncLocalStorage<Set<string>>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function readHolder(path: string): Promise<Holder | undefined> {
  try {
    const h = JSON.parse(await readFile(path, "utf8")) as Partial<Holder>;
    return typeof h.pid === "number" && typeof h.token === "string" ? (h as Holder) : undefined;
  } catch {
    return undefined;
  }
}

/** Remove a dead holder's lock, unless another step replaced it in between (then leave it be). */
async function breakStale(path: string, stale: Holder): Promise<void> {
  const aside = `${path}.stale-${randomBytes(6).toString("hex")}`;
  try {
    await rename(path, aside);
  } catch {
    return;
  }
  const moved = await readHolder(aside);
  if (moved && moved.token !== stale.token) {
    // A live step's lock: put it back if nobody has taken the name meanwhile.
    await writeFile(path, JSON.stringify(moved), { flag: "wx" }).catch(() => undefined);
  }
  await rm(aside, { force: true });
}

async function ageMs(path: string): Promise<number> {
  try {
    return Date.now() - (await stat(path)).mtimeMs;
  } catch {
    return 0;
  }
}

export interface LockOptions {
  /** Called once when the step has to wait for another one. */
  log?: (s: string) => void;
}

/**
 * Run `fn` holding the lock of `buildDir` (which must exist). Before `fn` runs, records an interrupted
 * step left half-swapped are recovered (record.ts).
 */
export async function withBuildLock<T>(
  buildDir: string,
  step: string,
  fn: () => Promise<T>,
  opts: LockOptions = {},
): Promise<T> {
  const key = resolve(buildDir);
  const mine = held.getStore();
  if (mine?.has(key)) return fn();
  const path = join(buildDir, LOCK_FILE);
  const me: Holder = {
    pid: process.pid,
    host: hostname(),
    step,
    since: new Date().toISOString(),
    token: randomBytes(8).toString("hex"),
  };
  requireBuildDir(buildDir);
  let waited = false;
  let delay = 50;
  for (;;) {
    try {
      await writeFile(path, JSON.stringify(me), { flag: "wx" });
      break;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "EEXIST")
        fail("bad-input", `cannot lock the build directory ${buildDir}: ${(e as Error).message}`, {
          hint: "zkmlc needs write access to the build directory",
          cause: e,
        });
    }
    const other = await readHolder(path);
    if (other && other.host === me.host && !alive(other.pid)) {
      await breakStale(path, other);
      continue;
    }
    // An unreadable lock file is one being written right now, or left by a crash in that instant.
    if (!other && (await ageMs(path)) > 10_000) {
      await rm(path, { force: true });
      continue;
    }
    if (!waited) {
      waited = true;
      opts.log?.(
        other
          ? `waiting for \`zkmlc ${other.step}\` (pid ${other.pid} on ${other.host}, since ${other.since}) to finish with ${buildDir}${other.host === me.host ? "" : `; if that process is gone, delete ${path}`}`
          : `waiting for another zkmlc step to finish with ${buildDir}`,
      );
    }
    await sleep(delay);
    delay = Math.min(1000, delay * 2);
  }
  try {
    await recoverRecords(buildDir);
    return await held.run(new Set([...(mine ?? []), key]), fn);
  } finally {
    const now = await readHolder(path);
    if (now?.token === me.token) await rm(path, { force: true });
  }
}

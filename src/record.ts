import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";

/**
 * A record is a folder of files that one step writes as a unit and later steps read together: a proof
 * with its public signals and the outputs decoded from them, a set of keys with their hashes, a witness
 * with its input. It must never be seen half-written, or mixed with an earlier record of the same kind.
 *
 * `writeRecord` fills a temporary sibling folder, then swaps it in: the old folder is renamed aside, the
 * new one renamed into place, the old one removed. An interruption while filling leaves the previous
 * record untouched; one between the two renames leaves it in `<name>.old-<id>`, and `recoverRecords`
 * (run under the build lock before a step reads anything) puts it back. Node has no atomic exchange of
 * two directories (renameat2's RENAME_EXCHANGE), hence the two renames and the recovery.
 */
const PENDING = /^(.+)\.(tmp|old)-([0-9a-f]{12})$/;
/** writeAtomic's temporary files (artifacts.ts): `<file>.<12 hex>.tmp`. */
const TMP_FILE = /\.[0-9a-f]{12}\.tmp$/;

function suffix(kind: "tmp" | "old"): string {
  return `.${kind}-${randomBytes(6).toString("hex")}`;
}

/** Fill a new version of the record folder `dir` with `fill(tmpDir)`, then swap it in. */
export async function writeRecord<T>(dir: string, fill: (tmp: string) => Promise<T>): Promise<T> {
  await mkdir(dirname(dir), { recursive: true });
  const tmp = dir + suffix("tmp");
  await mkdir(tmp);
  try {
    const result = await fill(tmp);
    await swapIn(tmp, dir);
    return result;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Move the finished folder `tmp` to `dir`, replacing what is there. */
export async function swapIn(tmp: string, dir: string): Promise<void> {
  const old = dir + suffix("old");
  const had = existsSync(dir);
  if (had) await rename(dir, old);
  await rename(tmp, dir);
  if (had) await rm(old, { recursive: true, force: true });
}

/**
 * Finish or undo what an interrupted step left in `root` and its immediate subfolders: a record found
 * only as `<name>.old-<id>` is put back, unfinished `<name>.tmp-<id>` folders and temporary files are
 * removed. Call it only while holding the build lock (lock.ts), never while another step may be writing.
 */
export async function recoverRecords(root: string): Promise<void> {
  if (!existsSync(root)) return;
  const folders = [root];
  for (const e of await readdir(root, { withFileTypes: true }))
    if (e.isDirectory() && !PENDING.test(e.name)) folders.push(join(root, e.name));
  for (const folder of folders) {
    const entries = await readdir(folder);
    for (const name of entries) {
      const m = PENDING.exec(name);
      const path = join(folder, name);
      if (!m) {
        if (TMP_FILE.test(name)) await rm(path, { force: true });
        continue;
      }
      const target = join(folder, m[1] as string);
      if (m[2] === "old" && !existsSync(target)) await rename(path, target);
      else await rm(path, { recursive: true, force: true });
    }
  }
}

import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { bytesText, IN_FLIGHT_MS, listCache, pruneCache } from "./cache.js";

const root = mkdtempSync(join(tmpdir(), "zkmlc-cache-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const DAY = 86_400_000;
const NOW = Date.now();
const hash = (c: string) => c.repeat(64);

let dir: string;
let saved: string | undefined;
let n = 0;

/** A file of `bytes` bytes last used `daysAgo` days ago. */
function file(path: string, bytes: number, daysAgo: number) {
  writeFileSync(path, Buffer.alloc(bytes));
  const t = (NOW - daysAgo * DAY) / 1000;
  utimesSync(path, t, t);
}
function keys(h: string, daysAgo: number, protocol = "groth16", complete = true) {
  const d = join(dir, "keys", h);
  mkdirSync(d, { recursive: true });
  file(join(d, "circuit.zkey"), 1000, daysAgo);
  if (complete) {
    writeFileSync(join(d, "verification_key.json"), JSON.stringify({ protocol }));
    const t = (NOW - daysAgo * DAY) / 1000;
    utimesSync(join(d, "verification_key.json"), t, t);
  }
  utimesSync(d, (NOW - daysAgo * DAY) / 1000, (NOW - daysAgo * DAY) / 1000);
}

// Each test gets its own cache folder, found through ZKMLC_CACHE as the CLI finds it.
beforeEach(() => {
  dir = join(root, `c${n++}`);
  mkdirSync(join(dir, "keys"), { recursive: true });
  saved = process.env.ZKMLC_CACHE;
  process.env.ZKMLC_CACHE = dir;
  keys(hash("a"), 40);
  keys(hash("b"), 2, "plonk");
  keys(hash("c"), 3, "groth16", false); // a crash's leftover: no verification key
  file(join(dir, "local_pot10_final.ptau"), 5000, 60);
  file(join(dir, "local_pot12_final.ptau"), 9000, 1);
  file(join(dir, "local_pot12_final.ptau.0a1b2c.fast.tmp"), 300, 10); // a crash's leftover
  file(join(dir, "local_pot14_final.ptau.3d4e5f.fast.tmp"), 200, 0); // being written right now
  file(join(dir, "local_pot12.lock"), 10, 30); // the ptau lock: not an entry
  file(join(dir, "notes.txt"), 10, 30); // not zkmlc's: left alone
});
afterEach(() => {
  if (saved === undefined) delete process.env.ZKMLC_CACHE;
  else process.env.ZKMLC_CACHE = saved;
});

const ids = (es: { id: string }[]) => es.map((e) => e.id).sort();

describe("listCache", () => {
  it("lists keys with their system, ptau with their power, and temporary files, oldest first", async () => {
    const l = await listCache();
    expect(l.dir).toBe(dir);
    expect(l.entries.map((e) => [e.kind, e.id, e.bytes, e.system, e.power, e.complete])).toEqual([
      ["ptau", "local_pot10_final.ptau", 5000, undefined, 10, undefined],
      ["keys", hash("a"), 1000 + 22, "groth16", undefined, true],
      ["temp", "local_pot12_final.ptau.0a1b2c.fast.tmp", 300, undefined, undefined, undefined],
      ["keys", hash("c"), 1000, undefined, undefined, false],
      ["keys", hash("b"), 1000 + 20, "plonk", undefined, true],
      ["ptau", "local_pot12_final.ptau", 9000, undefined, 12, undefined],
      ["temp", "local_pot14_final.ptau.3d4e5f.fast.tmp", 200, undefined, undefined, undefined],
    ]);
    expect(l.totalBytes).toBe(l.entries.reduce((s, e) => s + e.bytes, 0));
    const a = l.entries.find((e) => e.id === hash("a"));
    expect(Math.abs(Date.parse(a?.lastUsed ?? "") - (NOW - 40 * DAY))).toBeLessThan(2000);
  });

  it("a cache that does not exist is empty", async () => {
    expect(await listCache(join(dir, "nowhere"))).toEqual({
      dir: join(dir, "nowhere"),
      entries: [],
      totalBytes: 0,
    });
  });
});

describe("pruneCache", () => {
  const leftovers = () =>
    [...readdirSync(dir), ...readdirSync(join(dir, "keys"))].filter((f) => f.startsWith(".prune-"));

  it("--older-than removes what was not used for that long, and never a file being written", async () => {
    const r = await pruneCache({ olderThanDays: 7, now: NOW });
    expect(ids(r.removed)).toEqual(
      ["local_pot10_final.ptau", hash("a"), "local_pot12_final.ptau.0a1b2c.fast.tmp"].sort(),
    );
    expect(r.freedBytes).toBe(5000 + 1022 + 300);
    expect(r.kept).toBe(4);
    expect(existsSync(join(dir, "keys", hash("a")))).toBe(false);
    expect(existsSync(join(dir, "local_pot10_final.ptau"))).toBe(false);
    expect(existsSync(join(dir, "keys", hash("b"), "circuit.zkey"))).toBe(true);
    expect(existsSync(join(dir, "notes.txt"))).toBe(true);
    expect(existsSync(join(dir, "local_pot12.lock"))).toBe(true);
    expect(leftovers()).toEqual([]);
    expect(ids((await listCache()).entries)).toHaveLength(4);
  });

  it("--keys and --ptau choose the kind", async () => {
    const k = await pruneCache({ all: true, keys: true, now: NOW });
    // The incomplete folder is 3 days old: a crash's leftover, not a setup in progress.
    expect(ids(k.removed)).toEqual([hash("a"), hash("b"), hash("c")]);
    const p = await pruneCache({ olderThanDays: 0, ptau: true, now: NOW });
    expect(ids(p.removed)).toEqual(["local_pot10_final.ptau", "local_pot12_final.ptau"]);
    expect((await listCache()).entries.map((e) => e.kind)).toEqual(["temp", "temp"]);
  });

  it("--all leaves only what may be in flight", async () => {
    keys(hash("d"), 0, "groth16", false); // a setup writing its keys right now
    const r = await pruneCache({ all: true, now: NOW });
    expect(r.kept).toBe(2);
    const left = (await listCache()).entries;
    expect(ids(left)).toEqual([hash("d"), "local_pot14_final.ptau.3d4e5f.fast.tmp"].sort());
    // An hour later they are leftovers.
    const later = await pruneCache({ all: true, now: NOW + IN_FLIGHT_MS + 1000 });
    expect(later.removed).toHaveLength(2);
    expect(leftovers()).toEqual([]);
  });

  it("an interrupted prune's leftover is removed", async () => {
    mkdirSync(join(dir, "keys", `.prune-${hash("e")}.1234`));
    file(join(dir, "keys", `.prune-${hash("e")}.1234`, "circuit.zkey"), 100, 2);
    const r = await pruneCache({ olderThanDays: 1, now: NOW });
    expect(r.removed.map((e) => e.id)).toContain(join("keys", `.prune-${hash("e")}.1234`));
    expect(leftovers()).toEqual([]);
  });

  it("refuses to guess: --older-than or --all", async () => {
    await expect(pruneCache({})).rejects.toMatchObject({ code: "bad-input" });
    await expect(pruneCache({ olderThanDays: -1 })).rejects.toMatchObject({ code: "bad-input" });
    expect((await listCache()).entries).toHaveLength(7);
  });
});

it("bytesText", () => {
  expect(bytesText(0)).toBe("0 B");
  expect(bytesText(1023)).toBe("1023 B");
  expect(bytesText(1536)).toBe("1.5 KiB");
  expect(bytesText(300 * 2 ** 20)).toBe("300 MiB");
});

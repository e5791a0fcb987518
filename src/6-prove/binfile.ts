/**
 * The section table of an iden3 binary file ("ptau", "zkey", "wtns", "r1cs") read without loading
 * the file: magic, then `nSections`, then sections of `id u32, size u64, bytes`. Used to check files
 * before handing them to snarkjs, whose error paths leave file handles open.
 */
import { open } from "node:fs/promises";
import { fail } from "../errors.js";

export interface BinSection {
  pos: number;
  size: number;
}

export interface BinFile {
  size: number;
  sections: Map<number, BinSection[]>;
  /** Read `n` bytes at `pos` (bounds-checked). */
  read(pos: number, n: number): Promise<Buffer>;
  close(): Promise<void>;
}

/** Open `path` and read its section table; throws missing-artifact or corrupt-artifact. */
export async function openBinFile(path: string, magic: string, what: string, hint: string): Promise<BinFile> {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(path, "r");
  } catch (e) {
    return fail("missing-artifact", `cannot open ${what} ${path}: ${(e as Error).message}`, {
      hint,
      cause: e,
    });
  }
  const corrupt = (why: string): never =>
    fail("corrupt-artifact", `${path} is not a valid ${what}: ${why}`, {
      hint: "the file is damaged, truncated or of another kind; re-create it",
    });
  try {
    const { size } = await fh.stat();
    const read = async (pos: number, n: number): Promise<Buffer> => {
      if (pos < 0 || pos + n > size) corrupt("truncated");
      const buf = Buffer.alloc(n);
      const { bytesRead } = await fh.read(buf, 0, n, pos);
      if (bytesRead !== n) corrupt("short read");
      return buf;
    };
    const head = await read(0, 12);
    if (head.toString("latin1", 0, 4) !== magic) corrupt(`it does not start with "${magic}"`);
    const nSections = head.readUInt32LE(8);
    const sections = new Map<number, BinSection[]>();
    let pos = 12;
    for (let i = 0; i < nSections; i++) {
      const sh = await read(pos, 12);
      const id = sh.readUInt32LE(0);
      const len = Number(sh.readBigUInt64LE(4));
      pos += 12;
      if (pos + len > size) corrupt(`section ${id} is truncated`);
      const list = sections.get(id) ?? [];
      list.push({ pos, size: len });
      sections.set(id, list);
      pos += len;
    }
    if (pos !== size) corrupt("it has bytes after its last section");
    return { size, sections, read, close: () => fh.close() };
  } catch (e) {
    await fh.close();
    throw e;
  }
}

/** A little-endian unsigned integer from a buffer. */
export function leBigint(buf: Uint8Array, offset: number, n: number): bigint {
  let v = 0n;
  for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(buf[offset + i] ?? 0);
  return v;
}

export interface ZkeyHeader {
  protocol: "groth16" | "plonk" | "fflonk" | "unknown";
  /** Groth16 only: wires, public signals, FFT domain size, scalar field. */
  nVars?: number;
  nPublic?: number;
  domainSize?: number;
  r?: bigint;
}

/** Protocol and (for Groth16) sizes of a zkey, read from its first two sections. */
export async function readZkeyHeader(path: string): Promise<ZkeyHeader> {
  const f = await openBinFile(path, "zkey", "proving key (zkey)", "run `zkmlc setup` first");
  try {
    const s1 = f.sections.get(1)?.[0];
    if (!s1 || s1.size < 4) fail("corrupt-artifact", `${path}: zkey without a header section`);
    const id = (await f.read(s1.pos, 4)).readUInt32LE(0);
    const protocol = id === 1 ? "groth16" : id === 2 ? "plonk" : id === 10 ? "fflonk" : "unknown";
    if (protocol !== "groth16") return { protocol };
    const s2 = f.sections.get(2)?.[0];
    if (!s2) return fail("corrupt-artifact", `${path}: Groth16 zkey without its header section`);
    const b = await f.read(s2.pos, Math.min(s2.size, 4 + 64 + 4 + 64 + 12));
    const n8q = b.readUInt32LE(0);
    const n8r = b.readUInt32LE(4 + n8q);
    const r = leBigint(b, 8 + n8q, n8r);
    const o = 8 + n8q + n8r;
    return {
      protocol,
      r,
      nVars: b.readUInt32LE(o),
      nPublic: b.readUInt32LE(o + 4),
      domainSize: b.readUInt32LE(o + 8),
    };
  } finally {
    await f.close();
  }
}

/** Field prime and value count of a wtns file or bytes. */
export async function readWtnsHeader(
  wtns: Uint8Array | string,
): Promise<{ prime: bigint; nWitness: number }> {
  if (typeof wtns === "string") {
    const f = await openBinFile(wtns, "wtns", "witness file", "run `zkmlc witness` first");
    try {
      const s1 = f.sections.get(1)?.[0];
      if (!s1) return fail("corrupt-artifact", `${wtns}: wtns without a header section`);
      const b = await f.read(s1.pos, s1.size);
      return parseWtnsHeader(b, wtns);
    } finally {
      await f.close();
    }
  }
  const view = Buffer.from(wtns.buffer, wtns.byteOffset, wtns.byteLength);
  if (view.length < 12 || view.toString("latin1", 0, 4) !== "wtns") {
    return fail("corrupt-artifact", "the witness bytes are not a wtns file");
  }
  // section 1 comes first in every wtns circom or zkmlc writes
  const id = view.readUInt32LE(12);
  const size = Number(view.readBigUInt64LE(16));
  if (id !== 1 || 24 + size > view.length)
    return fail("corrupt-artifact", "the witness bytes are not a wtns file");
  return parseWtnsHeader(view.subarray(24, 24 + size), "<witness>");
}

function parseWtnsHeader(b: Buffer, where: string): { prime: bigint; nWitness: number } {
  const n8 = b.length >= 4 ? b.readUInt32LE(0) : 0;
  if (n8 === 0 || b.length < 8 + n8) return fail("corrupt-artifact", `${where}: bad wtns header`);
  return { prime: leBigint(b, 4, n8), nWitness: b.readUInt32LE(4 + n8) };
}

/**
 * A whole file in one Uint8Array, read in chunks: readFile stops at 2 GiB, and a 2^23-constraint
 * r1cs is larger than that.
 */
export async function readWhole(path: string): Promise<Uint8Array> {
  const fh = await open(path, "r");
  try {
    const { size } = await fh.stat();
    const out = new Uint8Array(size);
    for (let at = 0; at < size; ) {
      const { bytesRead } = await fh.read(out, at, Math.min(1 << 26, size - at), at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return out;
  } finally {
    await fh.close();
  }
}

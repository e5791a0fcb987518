import { closeSync, openSync, writeSync } from "node:fs";
import { mod, P } from "../../3-lower/field.js";
import type { Lin } from "../../3-lower/prims/lin.js";

/** Bytes of a field element: circom's r1cs and wtns files use 32-byte little-endian values. */
export const N8 = 32;

const MASK64 = (1n << 64n) - 1n;

/** Writes into a growing byte buffer, flushed to a file (or kept, for in-memory use) in large chunks. */
export class ByteSink {
  private buf = Buffer.allocUnsafe(1 << 22);
  private at = 0;
  /** Bytes written so far (flushed or not). */
  written = 0;

  constructor(
    /** Receives full chunks; omitted: bytes accumulate (read them with `bytes()`). */
    private readonly flushTo?: (chunk: Buffer) => void,
  ) {}

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    if (this.flushTo) {
      this.flush();
      if (n <= this.buf.length) return;
    }
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(bigger, 0, 0, this.at);
    this.buf = bigger;
  }

  flush(): void {
    if (!this.flushTo || this.at === 0) return;
    this.flushTo(this.buf.subarray(0, this.at));
    this.buf = Buffer.allocUnsafe(this.buf.length);
    this.at = 0;
  }

  u32(v: number): void {
    this.room(4);
    this.buf.writeUInt32LE(v, this.at);
    this.at += 4;
    this.written += 4;
  }

  u64(v: number | bigint): void {
    this.room(8);
    this.buf.writeBigUInt64LE(BigInt(v), this.at);
    this.at += 8;
    this.written += 8;
  }

  /** A field element, reduced mod p, as N8 little-endian bytes. */
  field(v: bigint): void {
    this.uint(v >= 0n && v < P ? v : mod(v));
  }

  /** A non-negative integer below 2^(8·N8) as N8 little-endian bytes (the prime itself, in headers). */
  uint(v: bigint): void {
    this.room(N8);
    let x = v;
    for (let i = 0; i < N8; i += 8) {
      this.buf.writeBigUInt64LE(x & MASK64, this.at + i);
      x >>= 64n;
    }
    this.at += N8;
    this.written += N8;
  }

  /** Raw bytes (a .sym line). */
  raw(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.at);
    this.at += b.length;
    this.written += b.length;
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.at);
  }
}

/** A file written by positional chunks, whose earlier bytes can be patched before it is closed. */
export class PatchableFile {
  private readonly fd: number;
  private pos = 0;

  constructor(path: string) {
    this.fd = openSync(path, "w");
  }

  append(chunk: Uint8Array): void {
    let off = 0;
    while (off < chunk.length) off += writeSync(this.fd, chunk, off, chunk.length - off, this.pos + off);
    this.pos += chunk.length;
  }

  get size(): number {
    return this.pos;
  }

  patch(at: number, bytes: Uint8Array): void {
    writeSync(this.fd, bytes, 0, bytes.length, at);
  }

  close(): void {
    closeSync(this.fd);
  }
}

/**
 * One linear combination in r1cs form: term count, then (wire u32, coefficient) per term, duplicate
 * wires merged and zero coefficients dropped; the constant goes on wire 0. `map` renumbers wires.
 */
export function writeLin(sink: ByteSink, x: Lin, map?: (w: number) => number): void {
  const terms = new Map<number, bigint>();
  if (x.k !== 0n) terms.set(0, x.k);
  for (let t = 0; t < x.wires.length; t++) {
    const w = map ? map(x.wires[t] as number) : (x.wires[t] as number);
    terms.set(w, (terms.get(w) ?? 0n) + (x.coefs[t] as bigint));
  }
  let n = 0;
  for (const c of terms.values()) if (mod(c) !== 0n) n++;
  sink.u32(n);
  for (const [w, c] of terms) {
    if (mod(c) === 0n) continue;
    sink.u32(w);
    sink.field(c);
  }
}

/**
 * What ptau_fast.ts and groth16_dev.ts share: BN254 scalar-field helpers (BigInt), the curve's
 * WebAssembly and constants taken from a single-threaded snarkjs curve, the window choice, and a pool
 * of fixed-base worker threads (ptau_worker_source.ts) that build the generator tables and turn
 * scalars into points.
 */
import { randomBytes } from "node:crypto";
import { Worker } from "node:worker_threads";
import * as snarkjs from "snarkjs";
import { PTAU_WORKER_SOURCE } from "./ptau_worker_source.js";

/** BN254 scalar field (r) and base field (q). */
export const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
export const Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
/** Fr's 2-adicity: ffjavascript's FFTs (and the Lagrange points built here) cover domains up to 2^28. */
export const FR_S = 28;

export const G1A = 64; // affine LEM point sizes
export const G2A = 128;

export type Group = "G1" | "G2";

// ---------------------------------------------------------------------------------------------------
// Field helpers (BigInt; only a few operations per call run here, the per-point work is in WebAssembly)

export function mod(a: bigint): bigint {
  const m = a % R;
  return m < 0n ? m + R : m;
}

export function powMod(base: bigint, exp: bigint): bigint {
  let b = mod(base);
  let e = exp;
  let acc = 1n;
  while (e > 0n) {
    if (e & 1n) acc = (acc * b) % R;
    b = (b * b) % R;
    e >>= 1n;
  }
  return acc;
}

export function invMod(a: bigint): bigint {
  if (mod(a) === 0n) throw new Error("inverse of zero");
  return powMod(a, R - 2n);
}

/** 32-byte little-endian encoding of a value in [0, 2^256). */
export function le32(v: bigint): Uint8Array {
  const out = new Uint8Array(32);
  let x = v;
  for (let i = 0; i < 32; i++) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

/** A uniform non-zero element of Fr from the CSPRNG (512 bits reduced mod r: negligible bias). */
export function randomScalar(): bigint {
  for (;;) {
    const b = randomBytes(64);
    let v = 0n;
    for (const byte of b) v = (v << 8n) | BigInt(byte);
    b.fill(0);
    const s = v % R;
    if (s !== 0n) return s;
  }
}

/**
 * τ must not be 0 and must not lie in the FFT domain of size 2^(power+1) (τ^(2^(power+1)) = 1), which
 * holds every smaller one, where L_i(τ) would divide by zero. Both happen with probability ~2^-226 for
 * a random τ.
 */
export function tauUsable(tau: bigint, power: number): boolean {
  return mod(tau) !== 0n && powMod(tau, 2n ** BigInt(power + 1)) !== 1n;
}

// ---------------------------------------------------------------------------------------------------
// The curve's WebAssembly and constants, from a single-threaded snarkjs curve (which starts no workers)

export interface CurveContext {
  code: Uint8Array;
  g1: Uint8Array;
  g2: Uint8Array;
  /** ω_m, the generator of the size-2^m domain ffjavascript's FFTs use, m = 0..FR_S. */
  omegas: bigint[];
}

interface WasmCurveInternals {
  tm: { code?: Uint8Array | ArrayBuffer };
  G1: { oneAffine: Uint8Array };
  G2: { oneAffine: Uint8Array };
  Fr: { s: number; w: unknown[]; toObject(a: unknown): bigint };
}

let contextPromise: Promise<CurveContext> | undefined;

export function curveContext(): Promise<CurveContext> {
  contextPromise ??= (async () => {
    const curve = (await snarkjs.curves.getCurveFromName("bn128", {
      singleThread: true,
    })) as unknown as WasmCurveInternals;
    const code = curve.tm.code;
    if (!code) throw new Error("ffjavascript did not keep the curve's WebAssembly code");
    if (curve.Fr.s !== FR_S) throw new Error(`unexpected Fr 2-adicity ${curve.Fr.s}`);
    const omegas: bigint[] = [];
    for (let m = 0; m <= FR_S; m++) omegas.push(curve.Fr.toObject(curve.Fr.w[m]));
    return {
      code: new Uint8Array(code).slice(),
      g1: curve.G1.oneAffine.slice(),
      g2: curve.G2.oneAffine.slice(),
      omegas,
    };
  })();
  contextPromise.catch(() => {
    contextPromise = undefined;
  });
  return contextPromise;
}

// ---------------------------------------------------------------------------------------------------
// Window choice: minimise (points · windows + table entries · build cost), tables at most 40 MiB

// A table entry costs about one batched affine addition, like a window of a point. Every worker holds
// the whole table (and the main thread briefly a few copies), hence the size cap. Measured at 2^16:
// G1 w=16/17 with G2 w=14/15 all took ~20 s of CPU; at 2^14, w=8 took 8.5 s against 6.0 s for w=16/13.
const TABLE_BUILD_COST = 1.2;
const MAX_TABLE_BYTES = 40 * 1024 * 1024;

export function chooseWindow(nPoints: number, pointBytes: number): number {
  let best = 4;
  let bestCost = Number.POSITIVE_INFINITY;
  for (let w = 4; w <= 20; w++) {
    const k = Math.ceil(255 / w);
    const entries = k * 2 ** (w - 1);
    if (entries * pointBytes > MAX_TABLE_BYTES) break;
    const cost = nPoints * k + entries * TABLE_BUILD_COST;
    if (cost < bestCost) {
      bestCost = cost;
      best = w;
    }
  }
  return best;
}

// ---------------------------------------------------------------------------------------------------
// Worker pool

interface Reply {
  bytes?: ArrayBuffer;
  error?: string;
}

/** Send one command to `w` and wait for its answer; `label` names the worker in errors. */
function call(
  w: Worker,
  label: string,
  msg: Record<string, unknown>,
  transfer: ArrayBuffer[] = [],
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      w.off("message", onMessage);
      w.off("error", onError);
      w.off("exit", onExit);
    };
    const onMessage = (m: Reply) => {
      cleanup();
      if (m.error !== undefined) reject(new Error(`${label}: ${m.error}`));
      else resolve(m);
    };
    const onError = (e: Error) => {
      cleanup();
      reject(e);
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`${label} exited with code ${code}`));
    };
    w.on("message", onMessage);
    w.on("error", onError);
    w.on("exit", onExit);
    w.postMessage(msg, transfer);
  });
}

/** Send a command that answers with bytes (a table part or points) to one worker. */
export type CallBytes = (msg: Record<string, unknown>, transfer?: ArrayBuffer[]) => Promise<Uint8Array>;

/**
 * Worker threads running ptau_worker_source.ts: `init` them with the curve, `setUpTables`, then `run`
 * point jobs; always `terminate` (the workers hold secrets).
 */
export class FixedBasePool {
  private readonly workers: Worker[] = [];

  /** Start `threads` workers; `label` ("ptau worker", ...) names them in errors. */
  constructor(
    threads: number,
    private readonly label: string,
  ) {
    try {
      for (let i = 0; i < threads; i++) this.workers.push(new Worker(PTAU_WORKER_SOURCE, { eval: true }));
    } catch (e) {
      void this.terminate();
      throw e;
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** Give every worker the curve's WebAssembly and generators. */
  async init(ctx: CurveContext): Promise<void> {
    await Promise.all(
      this.workers.map((w) => call(w, this.label, { cmd: "init", code: ctx.code, g1: ctx.g1, g2: ctx.g2 })),
    );
  }

  private async callBytes(
    w: Worker,
    msg: Record<string, unknown>,
    transfer?: ArrayBuffer[],
  ): Promise<Uint8Array> {
    const r = await call(w, this.label, msg, transfer);
    if (!r.bytes) throw new Error(`${this.label}: no result for ${String(msg.cmd)}`);
    return new Uint8Array(r.bytes);
  }

  /** Run `jobs` on the workers, each worker taking the next job when it is free; stop at the first error. */
  async run<J>(jobs: J[], run: (job: J, callBytes: CallBytes) => Promise<void>): Promise<void> {
    let next = 0;
    let failed = false;
    await Promise.all(
      this.workers.map(async (w) => {
        const cb: CallBytes = (msg, transfer) => this.callBytes(w, msg, transfer);
        while (!failed) {
          const job = jobs[next++];
          if (job === undefined) return;
          try {
            await run(job, cb);
          } catch (e) {
            failed = true;
            throw e;
          }
        }
      }),
    );
  }

  /** Build the fixed-base tables (windows split over the workers) and give every worker all of them. */
  async setUpTables(wOf: Record<Group, number>): Promise<void> {
    const tables: Record<Group, Uint8Array[]> = { G1: [], G2: [] };
    const jobs: Array<{ group: Group; part: number; kFrom: number; kTo: number }> = [];
    for (const group of ["G2", "G1"] as const) {
      const K = Math.ceil(255 / wOf[group]);
      const parts = Math.min(K, this.workers.length);
      for (let p = 0; p < parts; p++) {
        jobs.push({
          group,
          part: p,
          kFrom: Math.floor((p * K) / parts),
          kTo: Math.floor(((p + 1) * K) / parts),
        });
      }
    }
    await this.run(jobs, async (j, callBytes) => {
      tables[j.group][j.part] = await callBytes({
        cmd: "buildTable",
        group: j.group,
        w: wOf[j.group],
        kFrom: j.kFrom,
        kTo: j.kTo,
      });
    });
    for (const group of ["G1", "G2"] as const) {
      const bytes = Buffer.concat(tables[group]);
      await Promise.all(
        this.workers.map((w) => call(w, this.label, { cmd: "setTable", group, w: wOf[group], bytes })),
      );
    }
  }

  /** Stop every worker (and with it the secrets in its memory). */
  async terminate(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * A prepared (phase-2-ready) single-party powers of tau written directly from its secrets.
 *
 * snarkjs's chain (new accumulator, contribute, `prepare phase2`) multiplies every point by a generic
 * scalar and then computes every Lagrange level with group FFTs. When one process knows τ, α and β,
 * every point of the file is s·G for a scalar s it can compute:
 *
 *   section  2 tauG1       τ^i·G1,       i < 2n-1        (n = 2^power)
 *   section  3 tauG2       τ^i·G2,       i < n
 *   section  4 alphaTauG1  α·τ^i·G1,     i < n
 *   section  5 betaTauG1   β·τ^i·G1,     i < n
 *   section  6 betaG2      β·G2
 *   section  7 contributions: none (see below)
 *   sections 12-15: for every level m (0..power, and power+1 for section 12) the `prepare phase2`
 *     output of the matching section: the inverse FFT of its first 2^m points over the size-2^m
 *     domain with generator ω (ffjavascript's `Fr.w[m]`). For points τ^j·G that is L_i(τ)·G with
 *       L_i(τ) = (τ^N - 1) / (N·(τ - ω^i)) · ω^i      (N = 2^m),
 *     times α or β for sections 14 and 15. Level power+1 of section 12 reads only the 2n-1 points of
 *     section 2 and a zero point for the last one, so its scalars are L_i(τ) - τ^(N-1)·ω^i / N.
 *
 * The scalar multiplications are fixed-base (a windowed table of the generator, see
 * ptau_worker_source.ts) in worker threads running ffjavascript's own BN254 WebAssembly, so the points
 * come out in the same affine little-endian Montgomery bytes snarkjs writes. The file is byte-for-byte
 * the file `prepare phase2` makes from sections 1-7 written here (see ptau_fast.test.ts).
 *
 * The contributions section is empty, as in a fresh accumulator: snarkjs's setups (Groth16, PLONK,
 * FFLONK) never read it, and `powersOfTau.verify` rejects the file ("This file has no contribution!
 * It cannot be used in production"), which is the truth about a single-party development ptau.
 *
 * The secrets live in local variables of this module and in the workers' memory until the workers are
 * terminated at the end of the call; they are never logged or written.
 */
import { randomBytes } from "node:crypto";
import { open } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import * as snarkjs from "snarkjs";
import { PTAU_WORKER_SOURCE } from "./ptau_worker_source.js";

/** BN254 scalar field (r) and base field (q). */
const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
/** Fr's 2-adicity: ffjavascript's inverse FFT (and so this construction) covers levels up to 2^28. */
const FR_S = 28;
/** Largest power written directly: section 12 has a level power+1, which must be <= FR_S. */
export const MAX_FAST_POWER = FR_S - 1;

const G1A = 64; // affine LEM point sizes
const G2A = 128;

export interface PtauSecrets {
  tau: bigint;
  alpha: bigint;
  beta: bigint;
}

type Group = "G1" | "G2";

// ---------------------------------------------------------------------------------------------------
// Field helpers (BigInt; only O(power) operations run here, the per-point work is in the workers)

function mod(a: bigint): bigint {
  const m = a % R;
  return m < 0n ? m + R : m;
}

function powMod(base: bigint, exp: bigint): bigint {
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

function invMod(a: bigint): bigint {
  if (mod(a) === 0n) throw new Error("inverse of zero");
  return powMod(a, R - 2n);
}

/** 32-byte little-endian encoding of a field element in [0, 2^256). */
function le32(v: bigint): Uint8Array {
  const out = new Uint8Array(32);
  let x = v;
  for (let i = 0; i < 32; i++) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

/** A uniform non-zero element of Fr from the CSPRNG (512 bits reduced mod r: negligible bias). */
function randomScalar(): bigint {
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
 * τ must not be 0 and must not lie in any FFT domain the file uses (τ^(2^(power+1)) = 1), where
 * L_i(τ) would divide by zero. Both happen with probability ~2^-226 for a random τ.
 */
function tauUsable(tau: bigint, power: number): boolean {
  return mod(tau) !== 0n && powMod(tau, 2n ** BigInt(power + 1)) !== 1n;
}

/** Fresh τ, α, β from the CSPRNG. */
export function sampleSecrets(power: number): PtauSecrets {
  let tau = randomScalar();
  while (!tauUsable(tau, power)) tau = randomScalar();
  return { tau, alpha: randomScalar(), beta: randomScalar() };
}

// ---------------------------------------------------------------------------------------------------
// The curve's WebAssembly and constants, from a single-threaded snarkjs curve (which starts no workers)

interface CurveContext {
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

function curveContext(): Promise<CurveContext> {
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
// Worker pool

interface Reply {
  bytes?: ArrayBuffer;
  error?: string;
}

function call(w: Worker, msg: Record<string, unknown>): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      w.off("message", onMessage);
      w.off("error", onError);
      w.off("exit", onExit);
    };
    const onMessage = (m: Reply) => {
      cleanup();
      if (m.error !== undefined) reject(new Error(`ptau worker: ${m.error}`));
      else resolve(m);
    };
    const onError = (e: Error) => {
      cleanup();
      reject(e);
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`ptau worker exited with code ${code}`));
    };
    w.on("message", onMessage);
    w.on("error", onError);
    w.on("exit", onExit);
    w.postMessage(msg);
  });
}

async function callBytes(w: Worker, msg: Record<string, unknown>): Promise<Uint8Array> {
  const r = await call(w, msg);
  if (!r.bytes) throw new Error(`ptau worker: no result for ${String(msg.cmd)}`);
  return new Uint8Array(r.bytes);
}

/** Run `jobs` on the workers, each worker taking the next job when it is free; stop at the first error. */
async function runAll<J>(
  workers: Worker[],
  jobs: J[],
  run: (w: Worker, job: J) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  await Promise.all(
    workers.map(async (w) => {
      while (!failed) {
        const job = jobs[next++];
        if (job === undefined) return;
        try {
          await run(w, job);
        } catch (e) {
          failed = true;
          throw e;
        }
      }
    }),
  );
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
// File layout

interface Section {
  id: number;
  /** File offset of the section's data (its 12-byte header precedes it). */
  pos: number;
  size: number;
}

interface Layout {
  sections: Map<number, Section>;
  size: number;
  nSections: number;
}

function layout(power: number, prepared: boolean): Layout {
  const n = 2 ** power;
  const sizes: Array<[number, number]> = [
    [1, 4 + 32 + 4 + 4],
    [2, (2 * n - 1) * G1A],
    [3, n * G2A],
    [4, n * G1A],
    [5, n * G1A],
    [6, G2A],
    [7, 4],
  ];
  if (prepared) {
    sizes.push(
      [12, (4 * n - 1) * G1A],
      [13, (2 * n - 1) * G2A],
      [14, (2 * n - 1) * G1A],
      [15, (2 * n - 1) * G1A],
    );
  }
  const sections = new Map<number, Section>();
  let pos = 12; // "ptau", version, number of sections
  for (const [id, size] of sizes) {
    sections.set(id, { id, pos: pos + 12, size });
    pos += 12 + size;
  }
  return { sections, size: pos, nSections: sizes.length };
}

/** Magic, version, section count, every section header, header section 1 and the empty section 7. */
function fixedBytes(l: Layout, power: number): Array<{ pos: number; bytes: Uint8Array }> {
  const out: Array<{ pos: number; bytes: Uint8Array }> = [];
  const start = Buffer.alloc(12);
  start.write("ptau", 0, "latin1");
  start.writeUInt32LE(1, 4);
  start.writeUInt32LE(l.nSections, 8);
  out.push({ pos: 0, bytes: start });
  for (const s of l.sections.values()) {
    const h = Buffer.alloc(12);
    h.writeUInt32LE(s.id, 0);
    h.writeBigUInt64LE(BigInt(s.size), 4);
    out.push({ pos: s.pos - 12, bytes: h });
  }
  const header = Buffer.alloc(44);
  header.writeUInt32LE(32, 0);
  Buffer.from(le32(Q)).copy(header, 4);
  header.writeUInt32LE(power, 36);
  header.writeUInt32LE(power, 40); // ceremony power
  out.push({ pos: sectionOf(l, 1).pos, bytes: header });
  out.push({ pos: sectionOf(l, 7).pos, bytes: Buffer.alloc(4) }); // 0 contributions
  return out;
}

function sectionOf(l: Layout, id: number): Section {
  const s = l.sections.get(id);
  if (!s) throw new Error(`no section ${id}`);
  return s;
}

// ---------------------------------------------------------------------------------------------------
// Jobs

interface PointJob {
  group: Group;
  /** File offset of the first point. */
  pos: number;
  msg: Record<string, unknown>;
}

const CHUNK: Record<Group, number> = { G1: 4096, G2: 2048 };

/** first · inc^i · G for i < count, at `pos`. */
function geoJobs(group: Group, pos: number, count: number, first: bigint, inc: bigint): PointJob[] {
  const jobs: PointJob[] = [];
  const size = group === "G1" ? G1A : G2A;
  for (let start = 0; start < count; start += CHUNK[group]) {
    const c = Math.min(CHUNK[group], count - start);
    jobs.push({
      group,
      pos: pos + start * size,
      msg: {
        cmd: "geo",
        group,
        count: c,
        first: le32(mod(first * powMod(inc, BigInt(start)))),
        inc: le32(inc),
      },
    });
  }
  return jobs;
}

/**
 * ω^i · (k / (τ - ω^i) - k2) · G for i < 2^m, at `pos` (ω = ω_m): with k = mul·(τ^N - 1)/N and k2 = 0
 * that is mul·L_i(τ)·G.
 */
function lagJobs(
  group: Group,
  pos: number,
  m: number,
  omega: bigint,
  tau: bigint,
  k: bigint,
  k2: bigint,
): PointJob[] {
  const jobs: PointJob[] = [];
  const count = 2 ** m;
  const size = group === "G1" ? G1A : G2A;
  for (let start = 0; start < count; start += CHUNK[group]) {
    const c = Math.min(CHUNK[group], count - start);
    jobs.push({
      group,
      pos: pos + start * size,
      msg: {
        cmd: "lag",
        group,
        count: c,
        w0: le32(powMod(omega, BigInt(start))),
        omega: le32(omega),
        tau: le32(tau),
        k: le32(mod(k)),
        k2: le32(mod(k2)),
      },
    });
  }
  return jobs;
}

function planJobs(l: Layout, power: number, s: PtauSecrets, omegas: bigint[], prepared: boolean): PointJob[] {
  const n = 2 ** power;
  const { tau, alpha, beta } = s;
  const at = (id: number) => sectionOf(l, id).pos;
  const jobs: PointJob[] = [
    ...geoJobs("G1", at(2), 2 * n - 1, 1n, tau),
    ...geoJobs("G2", at(3), n, 1n, tau),
    ...geoJobs("G1", at(4), n, alpha, tau),
    ...geoJobs("G1", at(5), n, beta, tau),
    ...geoJobs("G2", at(6), 1, beta, tau),
  ];
  if (!prepared) return jobs;
  const off = { 12: at(12), 13: at(13), 14: at(14), 15: at(15) };
  for (let m = 0; m <= power + 1; m++) {
    const size = 2 ** m;
    const omega = omegas[m];
    if (omega === undefined) throw new Error(`no root of unity of order 2^${m}`);
    const invN = invMod(BigInt(size));
    const c = mod((powMod(tau, BigInt(size)) - 1n) * invN);
    // Level power+1 of tauG1: the last of the 2^m input points is zero (section 2 has 2n-1 points).
    const k2 = m === power + 1 ? mod(powMod(tau, BigInt(size - 1)) * invN) : 0n;
    jobs.push(...lagJobs("G1", off[12], m, omega, tau, c, k2));
    off[12] += size * G1A;
    if (m > power) continue;
    jobs.push(...lagJobs("G2", off[13], m, omega, tau, c, 0n));
    jobs.push(...lagJobs("G1", off[14], m, omega, tau, alpha * c, 0n));
    jobs.push(...lagJobs("G1", off[15], m, omega, tau, beta * c, 0n));
    off[13] += size * G2A;
    off[14] += size * G1A;
    off[15] += size * G1A;
  }
  // The heaviest jobs (G2) first, so the workers finish together.
  return jobs.sort((a, b) => (a.group === b.group ? 0 : a.group === "G2" ? -1 : 1));
}

// ---------------------------------------------------------------------------------------------------

export interface WriteFastPtauOptions {
  /** Progress lines (timings); never receives secrets. */
  log?: (s: string) => void;
  /** Fixed secrets (tests only). Default: fresh ones from the CSPRNG. */
  secrets?: PtauSecrets;
  /** Write the Lagrange sections 12-15 (default true). Without them the file is what `contribute` makes. */
  prepared?: boolean;
  /** Worker threads (default: the available parallelism, at most 16). */
  threads?: number;
  /** Table window widths (default: chosen by `chooseWindow`); for benchmarks. */
  windows?: Partial<Record<Group, number>>;
}

/**
 * Write a bn128 powers of tau of `power` (1..MAX_FAST_POWER) to `path` (overwriting it), prepared for
 * phase 2 unless `prepared: false`. The caller owns temporary naming and the rename into place.
 */
export async function writeFastPtau(
  power: number,
  path: string,
  opts: WriteFastPtauOptions = {},
): Promise<void> {
  if (!Number.isInteger(power) || power < 1 || power > MAX_FAST_POWER) {
    throw new Error(`a directly written powers of tau needs a power in [1, ${MAX_FAST_POWER}], got ${power}`);
  }
  const log = opts.log ?? (() => {});
  const prepared = opts.prepared !== false;
  const t0 = Date.now();
  const ctx = await curveContext();
  const secrets = opts.secrets ?? sampleSecrets(power);
  if (!tauUsable(secrets.tau, power) || mod(secrets.alpha) === 0n || mod(secrets.beta) === 0n) {
    throw new Error("unusable powers-of-tau secrets (zero, or τ in an FFT domain)");
  }
  const s: PtauSecrets = { tau: mod(secrets.tau), alpha: mod(secrets.alpha), beta: mod(secrets.beta) };

  const l = layout(power, prepared);
  const jobs = planJobs(l, power, s, ctx.omegas, prepared);
  const nPoints = { G1: 0, G2: 0 };
  for (const j of jobs) nPoints[j.group] += j.msg.count as number;
  const wOf = {
    G1: opts.windows?.G1 ?? chooseWindow(nPoints.G1, G1A),
    G2: opts.windows?.G2 ?? chooseWindow(nPoints.G2, G2A),
  };
  for (const w of Object.values(wOf)) {
    if (!Number.isInteger(w) || w < 2 || w > 20) throw new Error(`bad window width ${w}`);
  }

  const nThreads = Math.max(1, Math.min(opts.threads ?? availableParallelism(), 16));
  const workers: Worker[] = [];
  const fh = await open(path, "w");
  try {
    for (let i = 0; i < nThreads; i++) workers.push(new Worker(PTAU_WORKER_SOURCE, { eval: true }));
    await Promise.all(workers.map((w) => call(w, { cmd: "init", code: ctx.code, g1: ctx.g1, g2: ctx.g2 })));

    // Tables: windows split over the workers, then every worker gets the whole table.
    const tables: Record<Group, Uint8Array[]> = { G1: [], G2: [] };
    const tableJobs: Array<{ group: Group; part: number; kFrom: number; kTo: number }> = [];
    for (const group of ["G2", "G1"] as const) {
      const K = Math.ceil(255 / wOf[group]);
      const parts = Math.min(K, nThreads);
      for (let p = 0; p < parts; p++) {
        const kFrom = Math.floor((p * K) / parts);
        const kTo = Math.floor(((p + 1) * K) / parts);
        tableJobs.push({ group, part: p, kFrom, kTo });
      }
    }
    await runAll(workers, tableJobs, async (w, j) => {
      tables[j.group][j.part] = await callBytes(w, {
        cmd: "buildTable",
        group: j.group,
        w: wOf[j.group],
        kFrom: j.kFrom,
        kTo: j.kTo,
      });
    });
    for (const group of ["G1", "G2"] as const) {
      const bytes = Buffer.concat(tables[group]);
      await Promise.all(workers.map((w) => call(w, { cmd: "setTable", group, w: wOf[group], bytes })));
    }
    const t1 = Date.now();
    log(
      `ptau 2^${power}: fixed-base tables (G1 w=${wOf.G1}, G2 w=${wOf.G2}) in ${((t1 - t0) / 1000).toFixed(1)} s`,
    );

    await fh.truncate(l.size);
    for (const { pos, bytes } of fixedBytes(l, power)) await fh.write(bytes, 0, bytes.length, pos);
    await runAll(workers, jobs, async (w, j) => {
      const bytes = await callBytes(w, j.msg);
      const expect = (j.msg.count as number) * (j.group === "G1" ? G1A : G2A);
      if (bytes.length !== expect)
        throw new Error(`ptau worker returned ${bytes.length} bytes, expected ${expect}`);
      await fh.write(bytes, 0, bytes.length, j.pos);
    });
    log(
      `ptau 2^${power}: ${nPoints.G1} G1 and ${nPoints.G2} G2 points in ${((Date.now() - t1) / 1000).toFixed(1)} s ` +
        `(${nThreads} threads)`,
    );
  } finally {
    await fh.close();
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

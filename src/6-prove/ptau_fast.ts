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
 * ptau_worker_source.ts) in worker threads (fixed_base.ts's pool) running ffjavascript's own BN254 WebAssembly, so the points
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
import { open } from "node:fs/promises";
import { availableParallelism } from "node:os";
import {
  chooseWindow,
  curveContext,
  FixedBasePool,
  FR_S,
  G1A,
  G2A,
  type Group,
  invMod,
  le32,
  mod,
  powMod,
  Q,
  randomScalar,
  tauUsable,
} from "./fixed_base.js";

export { chooseWindow };

/** Largest power written directly: section 12 has a level power+1, which must be <= FR_S. */
export const MAX_FAST_POWER = FR_S - 1;

export interface PtauSecrets {
  tau: bigint;
  alpha: bigint;
  beta: bigint;
}

// ---------------------------------------------------------------------------------------------------
// Secrets

/** Fresh τ, α, β from the CSPRNG. */
export function sampleSecrets(power: number): PtauSecrets {
  let tau = randomScalar();
  while (!tauUsable(tau, power)) tau = randomScalar();
  return { tau, alpha: randomScalar(), beta: randomScalar() };
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

/** `count` points written at `pos`, split into worker jobs of CHUNK points; `msg` describes one chunk. */
function chunkJobs(
  group: Group,
  pos: number,
  count: number,
  msg: (start: number, c: number) => PointJob["msg"],
): PointJob[] {
  const jobs: PointJob[] = [];
  const size = group === "G1" ? G1A : G2A;
  for (let start = 0; start < count; start += CHUNK[group]) {
    jobs.push({ group, pos: pos + start * size, msg: msg(start, Math.min(CHUNK[group], count - start)) });
  }
  return jobs;
}

/** first · inc^i · G for i < count, at `pos`. */
function geoJobs(group: Group, pos: number, count: number, first: bigint, inc: bigint): PointJob[] {
  return chunkJobs(group, pos, count, (start, c) => ({
    cmd: "geo",
    group,
    count: c,
    first: le32(mod(first * powMod(inc, BigInt(start)))),
    inc: le32(inc),
  }));
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
  return chunkJobs(group, pos, 2 ** m, (start, c) => ({
    cmd: "lag",
    group,
    count: c,
    w0: le32(powMod(omega, BigInt(start))),
    omega: le32(omega),
    tau: le32(tau),
    k: le32(mod(k)),
    k2: le32(mod(k2)),
  }));
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
  let pool: FixedBasePool | undefined;
  const fh = await open(path, "w");
  try {
    pool = new FixedBasePool(nThreads, "ptau worker");
    await pool.init(ctx);
    await pool.setUpTables(wOf);
    const t1 = Date.now();
    log(
      `ptau 2^${power}: fixed-base tables (G1 w=${wOf.G1}, G2 w=${wOf.G2}) in ${((t1 - t0) / 1000).toFixed(1)} s`,
    );

    await fh.truncate(l.size);
    for (const { pos, bytes } of fixedBytes(l, power)) await fh.write(bytes, 0, bytes.length, pos);
    await pool.run(jobs, async (j, callBytes) => {
      const bytes = await callBytes(j.msg);
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
    await pool?.terminate();
  }
}

/**
 * A single-party (development) Groth16 setup that writes the proving key directly from its toxic
 * waste, the way gnark's test setup does, instead of running snarkjs's chain (powers of tau new +
 * contribute + prepare phase2, then `zkey new` + a phase-2 contribution).
 *
 * With τ, α, β, γ, δ known, every point of a snarkjs Groth16 .zkey is s·G for a scalar s computed
 * here. snarkjs's `zkey new` (zkey_new.js) maps the r1cs to a QAP over the domain of size
 * n = 2^c, c = floor(log2(nConstraints + nPublic)) + 1, with rows 0..nConstraints-1 the constraints
 * and rows nConstraints + s (s = 0..nPublic) the extra rows `1·w_s` in A (so that the public wires'
 * polynomials are independent). With L_j the Lagrange basis of that domain (generator ω_c =
 * ffjavascript's `Fr.w[c]`, L_j(τ) = (τ^n - 1)·ω^j / (n·(τ - ω^j)), one batch inversion):
 *
 *   u_s = Σ_rows A[j][s]·L_j(τ),  v_s = Σ B[j][s]·L_j(τ),  w_s = Σ C[j][s]·L_j(τ),
 *   K_s = β·u_s + α·v_s + w_s
 *
 *   section 1  protocol 1 (Groth16)
 *   section 2  q, r, nVars, nPublic, n, α·G1, β·G1, β·G2, γ·G2, δ·G1, δ·G2
 *   section 3  IC: K_s/γ · G1 for s ≤ nPublic
 *   section 4  the prover's coefficient list: (matrix, row, wire, coef·2^512 mod r) for every A and
 *              B term in r1cs order, then (0, nConstraints + s, s, 2^512 mod r) for s ≤ nPublic
 *   section 5  A: u_s·G1          section 6  B1: v_s·G1          section 7  B2: v_s·G2
 *   section 8  C: K_s/δ · G1 for the private wires s > nPublic
 *   section 9  H: L'_{2i+1}(τ)/δ · G1 for i < n, L' the Lagrange basis of the domain of size 2n.
 *              snarkjs's prover evaluates A·B - C (degree ≤ 2n-2) on the odd coset ω_{2n}·⟨ω_n⟩ and
 *              multiplies those values by these points; since A·B - C vanishes on the even points,
 *              Σ_odd (A·B - C)(ω'^{2i+1})·L'_{2i+1}(τ) = (A·B - C)(τ) = h(τ)·Z(τ). `zkey new` takes
 *              them from the odd entries of the ptau's Lagrange level c+1 (section 12).
 *   section 10 a 64-byte hash and no contributions (see below)
 *
 * With γ = δ = 1 sections 1-9 are byte-for-byte what `zkey new` writes from a prepared ptau of power
 * ≥ c+1 made from the same τ, α, β. (With a ptau of power exactly c, snarkjs's level c+1 is computed
 * from 2n-1 powers and a zero point: its H scalars are L'_j(τ) - τ^(2n-1)·ω'^j/(2n), and the extra
 * terms cancel in the prover's sum, Σ_j f(ω'^j)·ω'^j = 2n·[x^(2n-1)]f = 0 for f = A·B - C of degree
 * ≤ 2n-2 (f vanishes at the even j): a different but equally valid key.) With other δ they are what
 * `zkey contribute` makes of that (C and H times 1/δ, δ·G1, δ·G2), and γ ≠ 1 divides IC by γ.
 * See groth16_dev.test.ts.
 *
 * Section 10: `zkey new` stores the blake2b hash of its δ = 1 points (the "circuit hash" that phase-2
 * contributors chain on) and the contribution list. This key has no phase-2 history, so the list is
 * empty; the hash is blake2b-512 of the contents of sections 2-9 as written (computing snarkjs's own
 * would need the δ = 1 C points and another n points). snarkjs's prover, `exportVerificationKey` and
 * verifier never read section 10; `zkey verify` rejects the key (it recomputes it from a ptau), which
 * is the truth about a single-party key.
 *
 * Work split: the main thread evaluates the QAP in the curve's own WebAssembly (one multiplication
 * and one addition per r1cs term); worker threads (fixed_base.ts's pool, ptau_worker_source.ts's `mul`)
 * build the generator tables meanwhile and then compute every point.
 *
 * The secrets and every value derived from them (u_s, v_s, K_s reveal τ together with the r1cs) live
 * in local variables, the main thread's WebAssembly memory (zeroed at the end) and the workers'
 * memory (terminated at the end); they are never logged or written.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, open, rename, rm } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { dirname } from "node:path";
import * as snarkjs from "snarkjs";
import { readBinSections, readLeBigint } from "../5-compile/r1cs.js";
import { writeJsonAtomic } from "../artifacts.js";
import { fail, ZkmlError } from "../errors.js";
import { readWhole } from "./binfile.js";
import "./curve.js";
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
  R,
  randomScalar,
  tauUsable,
} from "./fixed_base.js";
import { sha256File } from "./groth16_setup.js";
import { captureSnarkjsLog } from "./snark_logger.js";

/** 2^256 mod r: the Montgomery factor of ffjavascript's Fr. */
const RM = (1n << 256n) % R;
/** The H points need the domain of size 2n, so c + 1 ≤ FR_S (Fr's 2-adicity). */
export const MAX_DEV_POWER = FR_S - 1;

const FR = 32;
const COEF = 12 + FR; // one entry of section 4

export interface Groth16DevSecrets {
  tau: bigint;
  alpha: bigint;
  beta: bigint;
  gamma: bigint;
  delta: bigint;
}

// ---------------------------------------------------------------------------------------------------
// Secrets and the domain

/** Fresh secrets from the CSPRNG for a domain of size 2^power, with δ ≠ 1 and γ ≠ δ. */
function sampleDevSecrets(power: number): Groth16DevSecrets {
  let tau = randomScalar();
  while (!tauUsable(tau, power)) tau = randomScalar();
  let delta = randomScalar();
  while (delta === 1n) delta = randomScalar();
  let gamma = randomScalar();
  while (gamma === delta) gamma = randomScalar();
  return { tau, alpha: randomScalar(), beta: randomScalar(), gamma, delta };
}

/** snarkjs's domain power for a circuit: floor(log2(nConstraints + nPublic)) + 1 (zkey_new.js). */
export function devDomainPower(nConstraints: number, nPublic: number): number {
  const v = nConstraints + nPublic;
  let p = 1;
  while (2 ** p <= v) p++;
  return p;
}

// ---------------------------------------------------------------------------------------------------
// Fr in the curve's WebAssembly, on the main thread (Montgomery form, 32-byte elements)

interface FrExports {
  frm_mul(a: number, b: number, r: number): void;
  frm_add(a: number, b: number, r: number): void;
  frm_sub(a: number, b: number, r: number): void;
  frm_copy(a: number, r: number): void;
  frm_toMontgomery(a: number, r: number): void;
  frm_batchInverse(pIn: number, inStep: number, n: number, pOut: number, outStep: number): void;
}

const MAX_PAGES = 32767;

/** The few WebAssembly APIs used here (the project compiles without the DOM typings that declare them). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Memory: new (d: { initial: number; maximum: number }) => WasmMemory;
  compile(code: Uint8Array): Promise<unknown>;
  instantiate(
    module: unknown,
    imports: Record<string, Record<string, unknown>>,
  ): Promise<{ exports: unknown }>;
}
const WASM = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

class FieldWasm {
  private constructor(
    readonly ex: FrExports,
    private readonly mem: WasmMemory,
  ) {}

  static async create(code: Uint8Array): Promise<FieldWasm> {
    const module = await WASM.compile(code);
    const mem = new WASM.Memory({ initial: 25, maximum: MAX_PAGES });
    const instance = await WASM.instantiate(module, { env: { memory: mem } });
    return new FieldWasm(instance.exports as unknown as FrExports, mem);
  }

  bytes(): Uint8Array {
    return new Uint8Array(this.mem.buffer);
  }

  view(): DataView {
    return new DataView(this.mem.buffer);
  }

  /** Bump allocation (64-byte aligned) at the module's free pointer (u32 at address 0). */
  alloc(n: number): number {
    const v = this.view();
    const p = (v.getUint32(0, true) + 63) & ~63;
    const end = p + n;
    const have = this.mem.buffer.byteLength;
    if (end + 65536 > have) {
      const pages = Math.ceil((end + 65536 - have) / 65536);
      if (have / 65536 + pages > MAX_PAGES) {
        throw new Error("the circuit is too large for the main thread's WebAssembly memory (2 GiB)");
      }
      this.mem.grow(pages);
    }
    this.view().setUint32(0, end, true);
    return p;
  }

  /** The free pointer, to `release` back to. */
  mark(): number {
    return this.view().getUint32(0, true);
  }

  /** Zero everything from `mark` to the end and free it for reuse. */
  release(mark: number): void {
    this.bytes().fill(0, mark);
    this.view().setUint32(0, mark, true);
  }

  /** Make sure n bytes past the free pointer exist (batch functions use them as scratch). */
  reserve(n: number): void {
    const p = this.alloc(n);
    this.view().setUint32(0, p, true);
  }

  /** Store v (normal form) at p in Montgomery form. */
  setMont(p: number, v: bigint): void {
    this.bytes().set(le32(mod(v)), p);
    this.ex.frm_toMontgomery(p, p);
  }

  /** Store a raw 32-byte value at p (no conversion). */
  setRaw(p: number, v: bigint): void {
    this.bytes().set(le32(v), p);
  }

  /** Zero the whole memory (it held secrets). */
  wipe(): void {
    this.bytes().fill(0);
  }
}

// ---------------------------------------------------------------------------------------------------
// r1cs

interface R1csData {
  nVars: number;
  nPublic: number;
  nConstraints: number;
  prime: bigint;
  n8: number;
  /** The constraint section. */
  cons: Uint8Array;
  /** Number of A and B terms (entries of the zkey's coefficient section, before the public rows). */
  nTermsAB: number;
}

async function readR1cs(path: string): Promise<R1csData> {
  let bytes: Uint8Array;
  try {
    bytes = await readWhole(path);
  } catch (e) {
    return fail("missing-artifact", `cannot read r1cs ${path}: ${(e as Error).message}`, {
      hint: "run `zkmlc compile` first",
      cause: e,
    });
  }
  const corrupt = (why: string): never =>
    fail("corrupt-artifact", `${path}: ${why}`, {
      hint: "the r1cs is damaged; re-create it with `zkmlc compile`",
    });
  const sections = readBinSections(bytes, "r1cs", path);
  const h = sections.get(1);
  const cs = sections.get(2);
  if (h?.length !== 1 || !h[0] || cs?.length !== 1 || !cs[0])
    return corrupt("expected one header and one constraint section");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ho = h[0].offset;
  const n8 = view.getUint32(ho, true);
  if (n8 === 0 || n8 % 8 !== 0 || h[0].size < 4 + n8 + 28)
    return corrupt(`bad header (field size ${n8} bytes)`);
  const prime = readLeBigint(view, ho + 4, n8);
  const p = ho + 4 + n8;
  const nVars = view.getUint32(p, true);
  const nOutputs = view.getUint32(p + 4, true);
  const nPubInputs = view.getUint32(p + 8, true);
  const nConstraints = view.getUint32(p + 24, true); // after nPrvInputs (u32) and nLabels (u64)
  const nPublic = nOutputs + nPubInputs;
  if (nVars < nPublic + 1) return corrupt(`${nVars} wires cannot hold ${nPublic} public signals`);
  const cons = bytes.subarray(cs[0].offset, cs[0].offset + cs[0].size);
  let nTermsAB = 0;
  if (n8 === FR) {
    // Walk the section once: bounds and wire indices, and the number of A and B terms.
    const cv = new DataView(cons.buffer, cons.byteOffset, cons.byteLength);
    let pos = 0;
    for (let c = 0; c < nConstraints; c++) {
      for (let m = 0; m < 3; m++) {
        if (pos + 4 > cons.length) return corrupt(`the constraint section ends inside constraint ${c}`);
        const nT = cv.getUint32(pos, true);
        pos += 4;
        if (pos + nT * (4 + FR) > cons.length)
          return corrupt(`the constraint section ends inside constraint ${c}`);
        for (let t = 0; t < nT; t++) {
          const s = cv.getUint32(pos, true);
          if (s >= nVars) return corrupt(`constraint ${c} refers to wire ${s}, there are ${nVars}`);
          pos += 4 + FR;
        }
        if (m < 2) nTermsAB += nT;
      }
    }
  }
  return { nVars, nPublic, nConstraints, prime, n8, cons, nTermsAB };
}

// ---------------------------------------------------------------------------------------------------
// The QAP at τ

interface Qap {
  fw: FieldWasm;
  /** Pointers into fw's memory (nVars elements each, Montgomery): u_s, v_s, and K_s/γ (s ≤ nPublic), K_s/δ (s > nPublic). */
  U: number;
  V: number;
  K: number;
  /** α, β, γ, δ in Montgomery form (4 consecutive elements). */
  secretsM: number;
  /** Section 4 (count and entries). */
  coefs: Uint8Array;
}

const yieldToEventLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

async function evaluateQap(
  fw: FieldWasm,
  r1cs: R1csData,
  power: number,
  omega: bigint,
  s: Groth16DevSecrets,
  window = { constraints: 1 << 26, coefficients: 1 << 16 },
): Promise<Qap> {
  const { ex } = fw;
  const n = 2 ** power;
  const { nVars, nPublic, nConstraints, cons } = r1cs;
  const nCoefs = r1cs.nTermsAB + nPublic + 1;

  // Memory (the main thread's WebAssembly is 32-bit, at most 2 GiB here): the constants, then L for the
  // whole evaluation; the powers of ω, D and the batch inverse's scratch only while L is computed, then
  // the same space holds U, V, K and a window of the constraint section (it is streamed, not copied
  // whole: it is 1 GB at 2^22) and of the coefficient section (copied out as it fills).
  const secretsM = fw.alloc(4 * FR);
  const tmp = fw.alloc(4 * FR);
  const consts = fw.alloc(6 * FR);
  const L = fw.alloc(n * FR);
  const scratch = fw.mark();
  const Wp = fw.alloc(n * FR);
  const D = fw.alloc(n * FR);
  fw.reserve((n + 1) * FR);

  // L̂_j = Montgomery form of L_j(τ)·RM (raw L_j·RM²), so that frm_mul(raw coefficient, L̂_j) is the
  // Montgomery form of coef·L_j(τ): one multiplication per term, no conversion of the coefficient.
  const wi = consts;
  const omegaM = consts + FR;
  const tauM = consts + 2 * FR;
  const kM = consts + 3 * FR;
  const r3 = consts + 4 * FR; // raw RM³: frm_mul(raw coef, r3) = raw coef·RM², the coefficient section's form
  const oneRaw = consts + 5 * FR;
  fw.setMont(wi, 1n);
  fw.setMont(omegaM, omega);
  fw.setMont(tauM, s.tau);
  fw.setMont(kM, mod((powMod(s.tau, BigInt(n)) - 1n) * invMod(BigInt(n)) * RM));
  fw.setRaw(r3, powMod(RM, 3n));
  fw.setRaw(oneRaw, 1n);
  for (let j = 0; j < n; j++) {
    ex.frm_copy(wi, Wp + j * FR);
    ex.frm_sub(tauM, wi, D + j * FR);
    ex.frm_mul(wi, omegaM, wi);
  }
  ex.frm_batchInverse(D, FR, n, L, FR);
  for (let j = 0; j < n; j++) {
    const lj = L + j * FR;
    ex.frm_mul(lj, kM, lj);
    ex.frm_mul(lj, Wp + j * FR, lj);
  }
  // D and the inverse's scratch derive from τ: clear them before the space is reused.
  fw.release(scratch);
  await yieldToEventLoop();

  const cv = new DataView(cons.buffer, cons.byteOffset, cons.byteLength);
  const consBytes = (at: number): number => {
    let p = at;
    for (let m = 0; m < 3; m++) p += 4 + cv.getUint32(p, true) * (4 + FR);
    return p - at;
  };
  let largest = 0;
  for (let c = 0, p = 0; c < nConstraints; c++) {
    const b = consBytes(p);
    largest = Math.max(largest, b);
    p += b;
  }
  const U = fw.alloc(nVars * FR);
  const V = fw.alloc(nVars * FR);
  const K = fw.alloc(nVars * FR);
  const WINDOW = Math.max(Math.min(cons.length, window.constraints), largest);
  const P = fw.alloc(WINDOW);
  const STAGE = window.coefficients; // coefficients staged in WebAssembly memory, then copied out
  const Cs = fw.alloc(STAGE * COEF);
  const bytes = fw.bytes();
  bytes.fill(0, U, K + nVars * FR); // the accumulators U, V, K start at zero (the space was reused)

  const coefs = new Uint8Array(4 + nCoefs * COEF);
  new DataView(coefs.buffer).setUint32(0, nCoefs, true);
  let out = 4;
  let q = Cs;
  const flush = () => {
    coefs.set(bytes.subarray(Cs, q), out);
    out += q - Cs;
    q = Cs;
  };
  const dv = fw.view();
  const t = tmp;
  const addTerm = (acc: number, wire: number, coefP: number, lj: number): void => {
    ex.frm_mul(coefP, lj, t);
    ex.frm_add(acc + wire * FR, t, acc + wire * FR);
  };
  const pushCoef = (m: number, row: number, wire: number, coefP: number): void => {
    if (q === Cs + STAGE * COEF) flush();
    dv.setUint32(q, m, true);
    dv.setUint32(q + 4, row, true);
    dv.setUint32(q + 8, wire, true);
    ex.frm_mul(coefP, r3, q + 12);
    q += COEF;
  };
  let base = 0; // offset in `cons` of the window's first byte
  let loaded = 0;
  let off = 0; // offset in `cons` of the current constraint
  for (let c = 0; c < nConstraints; c++) {
    if (off + consBytes(off) > base + loaded) {
      base = off;
      loaded = Math.min(WINDOW, cons.length - base);
      bytes.set(cons.subarray(base, base + loaded), P);
    }
    let pos = P + (off - base);
    const lj = L + c * FR;
    for (let m = 0; m < 3; m++) {
      const nT = dv.getUint32(pos, true);
      pos += 4;
      const acc = m === 0 ? U : m === 1 ? V : K;
      for (let k = 0; k < nT; k++) {
        const wire = dv.getUint32(pos, true);
        const coefP = pos + 4;
        pos += 4 + FR;
        addTerm(acc, wire, coefP, lj);
        if (m < 2) pushCoef(m, c, wire, coefP);
      }
    }
    off = pos - P + base;
    if ((c & 8191) === 8191) await yieldToEventLoop();
  }
  for (let w = 0; w <= nPublic; w++) {
    const row = nConstraints + w;
    addTerm(U, w, oneRaw, L + row * FR);
    pushCoef(0, row, w, oneRaw);
  }
  flush();
  if (out !== coefs.length) throw new Error("bug: coefficient count");

  // K_s = (β·u_s + α·v_s + w_s) / (γ for public wires, δ for private ones); w_s is in K already.
  const aM = secretsM;
  const bM = secretsM + FR;
  const gInvM = secretsM + 2 * FR; // γ and δ themselves replace the inverses afterwards (header)
  const dInvM = secretsM + 3 * FR;
  fw.setMont(aM, s.alpha);
  fw.setMont(bM, s.beta);
  fw.setMont(gInvM, invMod(s.gamma));
  fw.setMont(dInvM, invMod(s.delta));
  const t2 = tmp + FR;
  for (let w = 0; w < nVars; w++) {
    const k = K + w * FR;
    ex.frm_mul(bM, U + w * FR, t);
    ex.frm_mul(aM, V + w * FR, t2);
    ex.frm_add(t, t2, t);
    ex.frm_add(t, k, k);
    ex.frm_mul(k, w <= nPublic ? gInvM : dInvM, k);
  }
  fw.setMont(gInvM, s.gamma);
  fw.setMont(dInvM, s.delta);
  // L is no longer needed: clear it now (the rest is wiped at the end).
  fw.bytes().fill(0, L, L + n * FR);
  return { fw, U, V, K, secretsM, coefs };
}

// ---------------------------------------------------------------------------------------------------
// File layout: sections in numeric order (as `zkey contribute` writes them)

const ORDER = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;
const HEADER2 = 4 + 32 + 4 + 32 + 12; // n8q, q, n8r, r, nVars, nPublic, domainSize

interface Layout {
  /** File offset of each section's data. */
  pos: Map<number, number>;
  sizes: Map<number, number>;
  size: number;
}

function layout(nVars: number, nPublic: number, n: number, coefBytes: number): Layout {
  const sizes = new Map<number, number>([
    [1, 4],
    [2, HEADER2 + 3 * G1A + 3 * G2A],
    [3, (nPublic + 1) * G1A],
    [4, coefBytes],
    [5, nVars * G1A],
    [6, nVars * G1A],
    [7, nVars * G2A],
    [8, (nVars - nPublic - 1) * G1A],
    [9, n * G1A],
    [10, 64 + 4],
  ]);
  const pos = new Map<number, number>();
  let p = 12;
  for (const id of ORDER) {
    pos.set(id, p + 12);
    p += 12 + (sizes.get(id) ?? 0);
  }
  return { pos, sizes, size: p };
}

function at(l: Layout, id: number): number {
  const p = l.pos.get(id);
  if (p === undefined) throw new Error(`no section ${id}`);
  return p;
}

function fixedBytes(
  l: Layout,
  nVars: number,
  nPublic: number,
  n: number,
): Array<{ pos: number; bytes: Uint8Array }> {
  const out: Array<{ pos: number; bytes: Uint8Array }> = [];
  const start = Buffer.alloc(12);
  start.write("zkey", 0, "latin1");
  start.writeUInt32LE(1, 4);
  start.writeUInt32LE(ORDER.length, 8);
  out.push({ pos: 0, bytes: start });
  for (const id of ORDER) {
    const h = Buffer.alloc(12);
    h.writeUInt32LE(id, 0);
    h.writeBigUInt64LE(BigInt(l.sizes.get(id) ?? 0), 4);
    out.push({ pos: at(l, id) - 12, bytes: h });
  }
  const s1 = Buffer.alloc(4);
  s1.writeUInt32LE(1, 0); // Groth16
  out.push({ pos: at(l, 1), bytes: s1 });
  const s2 = Buffer.alloc(HEADER2);
  s2.writeUInt32LE(32, 0);
  Buffer.from(le32(Q)).copy(s2, 4);
  s2.writeUInt32LE(32, 36);
  Buffer.from(le32(R)).copy(s2, 40);
  s2.writeUInt32LE(nVars, 72);
  s2.writeUInt32LE(nPublic, 76);
  s2.writeUInt32LE(n, 80);
  out.push({ pos: at(l, 2), bytes: s2 });
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Jobs

interface PointJob {
  group: Group;
  /** File offset of the first point. */
  pos: number;
  count: number;
  /** The message, built when the job runs (scalars are copied out of the main thread's memory then). */
  msg: () => { msg: Record<string, unknown>; transfer: ArrayBuffer[] };
}

const CHUNK: Record<Group, number> = { G1: 4096, G2: 2048 };

/** scalars[i]·G for the `count` Montgomery scalars at `src` in fw's memory, to file offset `pos`. */
function mulJobs(fw: FieldWasm, group: Group, pos: number, src: number, count: number): PointJob[] {
  const jobs: PointJob[] = [];
  const size = group === "G1" ? G1A : G2A;
  for (let start = 0; start < count; start += CHUNK[group]) {
    const c = Math.min(CHUNK[group], count - start);
    const from = src + start * FR;
    jobs.push({
      group,
      pos: pos + start * size,
      count: c,
      msg: () => {
        const scalars = fw.bytes().slice(from, from + c * FR);
        return { msg: { cmd: "mul", group, count: c, scalars }, transfer: [scalars.buffer] };
      },
    });
  }
  return jobs;
}

/** H: L'_{2i+1}(τ)/δ · G1 for i < n (L' over the domain of size 2n, generator w2). */
function hJobs(pos: number, n: number, w2: bigint, tau: bigint, delta: bigint): PointJob[] {
  const jobs: PointJob[] = [];
  const k = mod((powMod(tau, BigInt(2 * n)) - 1n) * invMod(BigInt(2 * n)) * invMod(delta));
  const step = (w2 * w2) % R;
  for (let start = 0; start < n; start += CHUNK.G1) {
    const c = Math.min(CHUNK.G1, n - start);
    const w0 = powMod(w2, BigInt(2 * start + 1));
    jobs.push({
      group: "G1",
      pos: pos + start * G1A,
      count: c,
      msg: () => ({
        msg: {
          cmd: "lag",
          group: "G1",
          count: c,
          w0: le32(w0),
          omega: le32(step),
          tau: le32(tau),
          k: le32(k),
          k2: le32(0n),
        },
        transfer: [],
      }),
    });
  }
  return jobs;
}

// ---------------------------------------------------------------------------------------------------

export interface WriteDevZkeyOptions {
  /** Progress lines (timings); never receives secrets. */
  log?: (s: string) => void;
  /**
   * Fixed secrets (tests only). Any non-zero values with τ outside the domain of size 2n are
   * accepted, including γ = δ = 1 (what `zkey new` writes). Default: fresh ones from the CSPRNG.
   */
  secrets?: Groth16DevSecrets;
  /** Worker threads (default: the available parallelism, at most 16). */
  threads?: number;
  /** Bytes of the constraint section in memory at once and coefficients staged (tests: tiny windows). */
  window?: { constraints: number; coefficients: number };
}

export interface DevZkeyInfo {
  nVars: number;
  nPublic: number;
  nConstraints: number;
  domainSize: number;
}

/**
 * Write a Groth16 .zkey for the r1cs at `r1csPath` to `zkeyPath` (overwriting it) from fresh (or
 * given) toxic waste. The caller owns temporary naming and the rename into place.
 */
export async function writeGroth16DevZkey(
  r1csPath: string,
  zkeyPath: string,
  opts: WriteDevZkeyOptions = {},
): Promise<DevZkeyInfo> {
  const log = opts.log ?? (() => {});
  const t0 = Date.now();
  const secs = (t: number) => `${((Date.now() - t) / 1000).toFixed(1)} s`;
  const [ctx, r1cs] = await Promise.all([curveContext(), readR1cs(r1csPath)]);
  if (r1cs.prime !== R || r1cs.n8 !== FR) {
    fail("setup-failed", `${r1csPath} is over a field other than BN254's scalar field`, {
      hint: "compile the circuit with circom's default prime (bn128)",
    });
  }
  const { nVars, nPublic, nConstraints } = r1cs;
  const power = devDomainPower(nConstraints, nPublic);
  if (power > MAX_DEV_POWER) {
    fail(
      "setup-failed",
      `the circuit needs a domain of 2^${power} rows; BN254 supports up to 2^${MAX_DEV_POWER} here`,
    );
  }
  const n = 2 ** power;
  const omega = ctx.omegas[power];
  const omega2 = ctx.omegas[power + 1];
  if (omega === undefined || omega2 === undefined)
    throw new Error(`no root of unity of order 2^${power + 1}`);

  let s: Groth16DevSecrets;
  if (opts.secrets) {
    s = {
      tau: mod(opts.secrets.tau),
      alpha: mod(opts.secrets.alpha),
      beta: mod(opts.secrets.beta),
      gamma: mod(opts.secrets.gamma),
      delta: mod(opts.secrets.delta),
    };
    if (!tauUsable(s.tau, power) || s.alpha === 0n || s.beta === 0n || s.gamma === 0n || s.delta === 0n) {
      throw new Error("unusable Groth16 secrets (zero, or τ in the FFT domain)");
    }
  } else {
    s = sampleDevSecrets(power);
  }

  const nPoints = {
    G1: 3 + (nPublic + 1) + 2 * nVars + (nVars - nPublic - 1) + n,
    G2: 3 + nVars,
  };
  const wOf = { G1: chooseWindow(nPoints.G1, G1A), G2: chooseWindow(nPoints.G2, G2A) };
  const nThreads = Math.max(1, Math.min(opts.threads ?? availableParallelism(), 16));
  let pool: FixedBasePool | undefined;
  let fw: FieldWasm | undefined;
  let tablesDone: Promise<void> | undefined;
  try {
    pool = new FixedBasePool(nThreads, "groth16 dev worker");
    await pool.init(ctx);
    // The tables do not depend on the circuit: build them while the main thread evaluates the QAP.
    const tTables = Date.now();
    let tablesTime = "";
    tablesDone = pool.setUpTables(wOf).then(() => {
      tablesTime = secs(tTables);
    });
    tablesDone.catch(() => {}); // awaited below; avoid an unhandled rejection while the QAP runs

    const tQap = Date.now();
    fw = await FieldWasm.create(ctx.code);
    const qap = await evaluateQap(fw, r1cs, power, omega, s, opts.window);
    log(
      `groth16 dev setup: QAP of ${nConstraints} constraints, ${nVars} wires, ${r1cs.nTermsAB} A/B terms ` +
        `at τ over 2^${power} rows in ${secs(tQap)}`,
    );
    await tablesDone;
    log(`groth16 dev setup: fixed-base tables (G1 w=${wOf.G1}, G2 w=${wOf.G2}) in ${tablesTime}`);

    const l = layout(nVars, nPublic, n, qap.coefs.length);
    const sM = qap.secretsM;
    const p2 = at(l, 2) + HEADER2;
    const jobs: PointJob[] = [
      ...mulJobs(fw, "G2", at(l, 7), qap.V, nVars), // B2
      ...mulJobs(fw, "G2", p2 + 2 * G1A, sM + FR, 2), // β·G2, γ·G2
      ...mulJobs(fw, "G2", p2 + 3 * G1A + 2 * G2A, sM + 3 * FR, 1), // δ·G2
      ...mulJobs(fw, "G1", p2, sM, 2), // α·G1, β·G1
      ...mulJobs(fw, "G1", p2 + 2 * G1A + 2 * G2A, sM + 3 * FR, 1), // δ·G1
      ...mulJobs(fw, "G1", at(l, 3), qap.K, nPublic + 1), // IC
      ...mulJobs(fw, "G1", at(l, 5), qap.U, nVars), // A
      ...mulJobs(fw, "G1", at(l, 6), qap.V, nVars), // B1
      ...mulJobs(fw, "G1", at(l, 8), qap.K + (nPublic + 1) * FR, nVars - nPublic - 1), // C
      ...hJobs(at(l, 9), n, omega2, s.tau, s.delta), // H
    ];

    const tPoints = Date.now();
    const fh = await open(zkeyPath, "w+");
    try {
      await fh.truncate(l.size);
      for (const { pos, bytes } of fixedBytes(l, nVars, nPublic, n))
        await fh.write(bytes, 0, bytes.length, pos);
      // In pieces: one write takes at most 2 GiB, and 2^23 constraints have more coefficients than that.
      for (let off = 0; off < qap.coefs.length; off += 1 << 30)
        await fh.write(qap.coefs, off, Math.min(1 << 30, qap.coefs.length - off), at(l, 4) + off);
      await pool.run(jobs, async (j, callBytes) => {
        const { msg, transfer } = j.msg();
        const bytes = await callBytes(msg, transfer);
        const expect = j.count * (j.group === "G1" ? G1A : G2A);
        if (bytes.length !== expect)
          throw new Error(`worker returned ${bytes.length} bytes, expected ${expect}`);
        await fh.write(bytes, 0, bytes.length, j.pos);
      });
      log(
        `groth16 dev setup: ${nPoints.G1} G1 and ${nPoints.G2} G2 points in ${secs(tPoints)} (${nThreads} threads)`,
      );
      // Section 10: blake2b-512 of sections 2-9, no contributions.
      const hasher = createHash("blake2b512");
      for (let id = 2; id <= 9; id++) {
        const size = l.sizes.get(id) ?? 0;
        const CH = 1 << 24;
        for (let off = 0; off < size; off += CH) {
          const len = Math.min(CH, size - off);
          const buf = Buffer.alloc(len);
          const { bytesRead } = await fh.read(buf, 0, len, at(l, id) + off);
          if (bytesRead !== len) throw new Error("short read of the zkey being written");
          hasher.update(buf);
        }
      }
      const s10 = Buffer.alloc(68);
      hasher.digest().copy(s10, 0);
      s10.writeUInt32LE(0, 64);
      await fh.write(s10, 0, s10.length, at(l, 10));
    } finally {
      await fh.close();
    }
    log(`groth16 dev setup: zkey (${(l.size / 2 ** 20).toFixed(1)} MiB) in ${secs(t0)}`);
    return { nVars, nPublic, nConstraints, domainSize: n };
  } finally {
    fw?.wipe();
    await pool?.terminate();
    await tablesDone?.catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------------

export interface Groth16DevSetupOptions {
  r1csPath: string;
  zkeyPath: string;
  vkeyPath: string;
  logger?: (s: string) => void;
  /** Fixed secrets, for tests only (see WriteDevZkeyOptions). Default: fresh ones from the CSPRNG. */
  secrets?: Groth16DevSecrets;
  /** Worker threads (default: the available parallelism). */
  threads?: number;
}

/**
 * Development Groth16 setup: a proving key written directly from CSPRNG toxic waste (discarded when
 * the call returns) and its verification key. Anyone who knew the secrets could forge proofs, so the
 * keys are for development and tests, like a local powers of tau: not a ceremony.
 */
export async function groth16DevSetup(
  opts: Groth16DevSetupOptions,
): Promise<{ zkeyHash: string; vkeyHash: string }> {
  const { r1csPath, zkeyPath, vkeyPath } = opts;
  const log = opts.logger ?? (() => {});
  if (!existsSync(r1csPath)) {
    fail("missing-artifact", `r1cs ${r1csPath} does not exist`, { hint: "run `zkmlc compile` first" });
  }
  await mkdir(dirname(zkeyPath), { recursive: true });
  const tmp = `${zkeyPath}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    const info = await writeGroth16DevZkey(r1csPath, tmp, {
      log,
      ...(opts.secrets ? { secrets: opts.secrets } : {}),
      ...(opts.threads ? { threads: opts.threads } : {}),
    });
    const { logger, errors } = captureSnarkjsLog(log);
    const vkey = (await snarkjs.zKey.exportVerificationKey(tmp, logger)) as Record<string, unknown>;
    if (errors.length > 0) fail("setup-failed", `export verification key failed: ${errors.join("; ")}`);
    if (vkey.nPublic !== info.nPublic) {
      fail(
        "bug",
        `the verification key has ${String(vkey.nPublic)} public signals, the r1cs ${info.nPublic}`,
      );
    }
    if (!opts.secrets && JSON.stringify(vkey.vk_delta_2) === JSON.stringify(vkey.vk_gamma_2)) {
      fail("bug", "the dev zkey has δ = γ, its proofs would be forgeable");
    }
    await rename(tmp, zkeyPath);
    await writeJsonAtomic(vkeyPath, vkey);
    const [zkeyHash, vkeyHash] = await Promise.all([sha256File(zkeyPath), sha256File(vkeyPath)]);
    return { zkeyHash, vkeyHash };
  } catch (e) {
    if (e instanceof ZkmlError) throw e;
    return fail("setup-failed", `Groth16 dev setup failed: ${(e as Error).message}`, { cause: e });
  } finally {
    await rm(tmp, { force: true });
  }
}

import { P as FIELD, mod } from "../3-lower/field.js";
import { fail } from "../errors.js";
import { poseidon } from "./poseidon.js";

/**
 * zkmlc-commit-v1: one public field element that commits to an ordered list of tensors of one role (the
 * specification is docs/COMMITMENT.md). Each tensor's values are proven in [lo, lo + 2^bits) by the
 * circuit, so their offsets v − lo are packed floor(252 / bits) to a field element without aliasing; the
 * sequence [tag, nTensors, header_1, packed_1, header_2, packed_2, ...] is absorbed by a Merkle-Damgård
 * chain of circomlib's Poseidon(16): h_0 = 0, h_{j+1} = Poseidon([h_j, S_15j .. S_15j+14]) (the last
 * block zero-padded); the commitment is the last h.
 */

export const COMMIT_SCHEME = "zkmlc-commit-v1";

export type CommitRole = "input" | "output" | "param";

/** The role's byte in the domain tag. */
export const ROLE_BYTE: Readonly<Record<CommitRole, number>> = { input: 1, output: 2, param: 3 };

/** Values per field element at most: k·bits <= 252 < log2(p), so a packed element never wraps. */
export const PACK_BITS = 252;

/** Sequence elements per Poseidon(16) block (the 16th input is the chaining value). */
export const BLOCK = 15;

/** What the circuit knows of a committed tensor at compile time. */
export interface CommitTensorSpec {
  shape: readonly number[];
  /** Values are integers = real · 2^scale. */
  scale: number;
  /** Every value v is proven to satisfy v − lo ∈ [0, 2^bits). */
  lo: bigint;
  bits: number;
}

export interface CommitTensor extends CommitTensorSpec {
  /** Row-major, as many as the shape has elements. */
  values: readonly bigint[];
}

/** The domain tag: the integer of the ASCII bytes "zkmlc-commit-v1" followed by the role byte (128 bits < p). */
export function domainTag(role: CommitRole): bigint {
  const bytes = [...Buffer.from(COMMIT_SCHEME, "ascii"), roleByte(role)];
  return bytes.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
}

function roleByte(role: CommitRole): number {
  const b = ROLE_BYTE[role];
  if (b === undefined) fail("bad-input", `unknown commitment role "${role}"; roles: input, output, param`);
  return b;
}

/** Values per packed field element: floor(252 / bits). */
export function packingFactor(bits: number): number {
  return Math.floor(PACK_BITS / bits);
}

/** Elements of a shape. */
export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, d) => a * d, 1);
}

/** Packed field elements of a tensor: ceil(n / k). */
export function packedCount(t: CommitTensorSpec): number {
  return Math.ceil(elementCount(t.shape) / packingFactor(t.bits));
}

const HALF = FIELD / 2n;

/** Refuse a spec the encoding is not injective for. `where` names the tensor in messages. */
export function checkSpec(t: CommitTensorSpec, where: string): void {
  if (!Number.isInteger(t.bits) || t.bits < 1 || t.bits > PACK_BITS)
    fail("bad-input", `${where}: bits = ${t.bits}, must be an integer in 1..${PACK_BITS}`);
  if (!Number.isSafeInteger(t.scale)) fail("bad-input", `${where}: scale ${t.scale} is not an integer`);
  if (t.shape.some((d) => !Number.isSafeInteger(d) || d < 0))
    fail("bad-input", `${where}: shape [${t.shape}] must be non-negative integers`);
  // lo and scale are absorbed mod p: distinct values must stay distinct.
  if (t.lo <= -HALF || t.lo >= HALF) fail("bad-input", `${where}: lo = ${t.lo} is outside (−p/2, p/2)`);
}

/** The header elements of a tensor: [scale, rank, dims..., lo, bits], each mod p. */
export function tensorHeader(t: CommitTensorSpec): bigint[] {
  return [mod(BigInt(t.scale)), BigInt(t.shape.length), ...t.shape.map(BigInt), mod(t.lo), BigInt(t.bits)];
}

/**
 * A tensor's packed elements: e_m = Σ_i u_(mk+i) · 2^(bits·i), u = v − lo, k = floor(252 / bits), the
 * last element holding the remaining n − (K−1)·k values. Throws when a value is outside [lo, lo + 2^bits):
 * such a value would alias its neighbours (the circuit relies on it being range-checked).
 */
export function packTensor(t: CommitTensor, where = "tensor"): bigint[] {
  checkSpec(t, where);
  const n = elementCount(t.shape);
  if (t.values.length !== n)
    fail("bad-input", `${where}: ${t.values.length} values for shape [${t.shape}] (${n} elements)`);
  const k = packingFactor(t.bits);
  const w = BigInt(t.bits);
  const top = 1n << w;
  const out: bigint[] = [];
  for (let m = 0; m * k < n; m++) {
    let e = 0n;
    for (let i = Math.min(k, n - m * k) - 1; i >= 0; i--) {
      const j = m * k + i;
      const v = t.values[j] as bigint;
      const u = v - t.lo;
      if (u < 0n || u >= top)
        fail(
          "input-out-of-range",
          `${where}, element ${j}: value ${v} is outside the committed range [${t.lo}, ${t.lo + top - 1n}] (lo + 2^${t.bits})`,
          {
            hint: "committed values must lie in the range the circuit checks; check the input or the calibration",
          },
        );
      e = (e << w) | u;
    }
    out.push(e);
  }
  return out;
}

/** One element of the absorbed sequence: a compile-time constant, or packed element m of tensor `tensor`. */
export type SequenceItem =
  | { kind: "const"; value: bigint; what: string }
  | { kind: "packed"; tensor: number; m: number };

/**
 * The sequence S for tensors of these specs, without values: which elements are constants (tag, count,
 * headers) and where each tensor's packed elements go. Its length is fixed by the specs, which the
 * sequence itself encodes, so zero padding of the last block is unambiguous.
 */
export function sequenceLayout(role: CommitRole, specs: readonly CommitTensorSpec[]): SequenceItem[] {
  const items: SequenceItem[] = [
    { kind: "const", value: domainTag(role), what: `tag "${COMMIT_SCHEME}" + role ${role}` },
    { kind: "const", value: BigInt(specs.length), what: "number of tensors" },
  ];
  specs.forEach((t, i) => {
    checkSpec(t, `${role} tensor ${i}`);
    const h = tensorHeader(t);
    const what = ["scale", "rank", ...t.shape.map((_, d) => `dim ${d}`), "lo", "bits"];
    h.forEach((value, j) => {
      items.push({ kind: "const", value, what: `tensor ${i} ${what[j]}` });
    });
    for (let m = 0; m < packedCount(t); m++) items.push({ kind: "packed", tensor: i, m });
  });
  return items;
}

/** Poseidon(16) blocks that absorb a sequence of n elements (at least one). */
export function blockCount(n: number): number {
  return Math.max(1, Math.ceil(n / BLOCK));
}

/** The Merkle-Damgård chain: h_0 = 0, h_{j+1} = Poseidon16([h_j, S_15j .. S_15j+14]), zero-padded. */
export function absorb(sequence: readonly bigint[]): bigint {
  let h = 0n;
  for (let j = 0; j < blockCount(sequence.length); j++) {
    const block = Array.from({ length: BLOCK }, (_, i) => sequence[j * BLOCK + i] ?? 0n);
    h = poseidon([h, ...block]);
  }
  return h;
}

/** The sequence S of a commitment (the tensors' values checked against their ranges). */
export function commitSequence(role: CommitRole, tensors: readonly CommitTensor[]): bigint[] {
  const packed = tensors.map((t, i) => packTensor(t, `${role} tensor ${i}`));
  return sequenceLayout(role, tensors).map((it) =>
    it.kind === "const" ? it.value : ((packed[it.tensor] as bigint[])[it.m] as bigint),
  );
}

/** The zkmlc-commit-v1 commitment of tensors of one role: a field element in [0, p). */
export function commitment(role: CommitRole, tensors: readonly CommitTensor[]): bigint {
  return absorb(commitSequence(role, tensors));
}

/** Sigmas of Poseidon(16): 8 full rounds of 17, 68 partial rounds of 1. */
const N_SIGMA = 8 * 17 + 68;

/**
 * Constraints the commitment costs under Groth16 (circom --O2, and the direct backend): 3 per Sigma
 * (x^5) whose input is not a constant. A Poseidon(16) block has 8·17 + 68 Sigmas; in its first round
 * the constant elements (the zero initial state, h_0 = 0, tag and headers, padding) cost nothing, and a
 * block of constants only costs nothing at all. With every block holding a packed element (the usual
 * case) that is 3·(188·blocks + packed − 1).
 */
export function commitmentConstraints(role: CommitRole, specs: readonly CommitTensorSpec[]): number {
  const items = sequenceLayout(role, specs);
  let total = 0;
  let chained = false;
  for (let j = 0; j < blockCount(items.length); j++) {
    let live = chained ? 1 : 0;
    for (let i = 0; i < BLOCK; i++) if (items[j * BLOCK + i]?.kind === "packed") live++;
    if (live === 0) continue;
    chained = true;
    total += 3 * (N_SIGMA - 17 + live);
  }
  return total;
}

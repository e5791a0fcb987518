/**
 * Calldata for the `verifyProof` function of snarkjs's Solidity verifiers, built from the proof objects.
 *
 * `snarkjs zkey export soliditycalldata` prints text that is not valid JSON for PLONK and FFLONK (the
 * proof and public-signal arrays are juxtaposed without a comma), so zkmlc does not parse it: it lays
 * out the arguments the way snarkjs's `*_exportsoliditycalldata.js` do and ABI-encodes them itself.
 *
 * The functions each generated verifier has (snarkjs 0.7.6 templates; `n` = number of public signals):
 *
 * - Groth16: `verifyProof(uint[2] _pA, uint[2][2] _pB, uint[2] _pC, uint[n] _pubSignals)`. The G2
 *   point B is passed with each Fp2 coordinate as (imaginary, real), i.e. swapped relative to snarkjs's
 *   `pi_b` (which the EIP-197 precompile expects).
 * - PLONK: `verifyProof(uint256[24] _proof, uint256[n] _pubSignals)`: A, B, C, Z, T1, T2, T3, Wxi,
 *   Wxiw (x, y each), then eval_a, eval_b, eval_c, eval_s1, eval_s2, eval_zw.
 * - FFLONK: `verifyProof(bytes32[24] proof, uint256[max(n, 1)] pubSignals)`: C1, C2, W1, W2 (x, y),
 *   then the evaluations ql, qr, qm, qo, qc, s1, s2, s3, a, b, c, z, zw, t1w, t2w, inv.
 *
 * Every argument is a static type, so the ABI encoding is the 4-byte selector followed by one 32-byte
 * big-endian word per value, in order.
 *
 * Values are encoded as given (anything in [0, 2^256)); whether a public signal is a canonical field
 * element (< r) is for the verifier to decide, so that the calldata says exactly what was claimed.
 */
import { keccak_256 } from "@noble/hashes/sha3.js";
import { fail } from "../errors.js";
import { isProofSystem, type ProofSystem } from "./systems.js";

/** A uint256 / bytes32 value as a 0x-prefixed, 64-digit lower-case hex string (as snarkjs prints them). */
export type Word = string;

export interface VerifierCalldata {
  functionName: "verifyProof";
  /** The arguments in order, as nested arrays of `Word`s (JSON-serialisable, accepted by ethers). */
  args: unknown[];
  /** The ABI-encoded call: selector then arguments. */
  data: Uint8Array;
  /** `JSON.stringify(args)`: the arguments as one JSON array (snarkjs's text, but valid JSON). */
  text: string;
}

const UINT256_LIMIT = 1n << 256n;
const WORD = /^0x[0-9a-f]{64}$/;

function word(v: bigint): Word {
  return `0x${v.toString(16).padStart(64, "0")}`;
}

/** A proof or signal value (decimal string, 0x-hex string, bigint or safe integer) as a uint256. */
function toUint(v: unknown, what: string): bigint {
  let n: bigint | undefined;
  if (typeof v === "bigint") n = v;
  else if (typeof v === "number" && Number.isSafeInteger(v)) n = BigInt(v);
  else if (typeof v === "string" && /^(?:[0-9]+|0x[0-9a-fA-F]+)$/.test(v)) n = BigInt(v);
  if (n === undefined) {
    return fail("invalid-proof", `${what} is not an integer: ${JSON.stringify(String(v)).slice(0, 80)}`, {
      hint: "pass the proof and public signals exactly as snarkjs returned them",
    });
  }
  if (n < 0n || n >= UINT256_LIMIT) {
    fail("invalid-proof", `${what} does not fit in a uint256`, {
      hint: "pass the proof and public signals exactly as snarkjs returned them",
    });
  }
  return n;
}

function field(obj: unknown, key: string, where: string): unknown {
  if (typeof obj !== "object" || obj === null || !(key in obj)) {
    return fail("invalid-proof", `the proof has no ${where}${key}`, {
      hint: "pass the proof object exactly as snarkjs returned it (proof.json)",
    });
  }
  return (obj as Record<string, unknown>)[key];
}

/** An affine G1 point [x, y, "1"] (snarkjs's form) as two words; [_, _, "0"] (infinity) as (0, 0). */
function g1(obj: unknown, key: string, where = ""): [Word, Word] {
  const p = field(obj, key, where);
  const name = `${where}${key}`;
  if (!Array.isArray(p) || (p.length !== 2 && p.length !== 3)) {
    return fail("invalid-proof", `the proof's ${name} is not a G1 point [x, y, z]`);
  }
  const z = p.length === 3 ? toUint(p[2], `${name}[2]`) : 1n;
  if (z === 0n) return [word(0n), word(0n)];
  if (z !== 1n) fail("invalid-proof", `the proof's ${name} is not in affine form (z = ${z})`);
  return [word(toUint(p[0], `${name}[0]`)), word(toUint(p[1], `${name}[1]`))];
}

/** A G2 point [[x0, x1], [y0, y1], z] as the Solidity verifier wants it: [[x1, x0], [y1, y0]]. */
function g2Swapped(obj: unknown, key: string): [[Word, Word], [Word, Word]] {
  const p = field(obj, key, "");
  const pair = (i: number): [bigint, bigint] => {
    const c = Array.isArray(p) ? p[i] : undefined;
    if (!Array.isArray(c) || c.length !== 2) {
      return fail("invalid-proof", `the proof's ${key} is not a G2 point [[x0, x1], [y0, y1], z]`);
    }
    return [toUint(c[0], `${key}[${i}][0]`), toUint(c[1], `${key}[${i}][1]`)];
  };
  if (!Array.isArray(p) || (p.length !== 2 && p.length !== 3)) {
    return fail("invalid-proof", `the proof's ${key} is not a G2 point [[x0, x1], [y0, y1], z]`);
  }
  const [x0, x1] = pair(0);
  const [y0, y1] = pair(1);
  if (p.length === 3) {
    const [z0, z1] = pair(2);
    if (z0 === 0n && z1 === 0n) {
      return [
        [word(0n), word(0n)],
        [word(0n), word(0n)],
      ];
    }
    if (z0 !== 1n || z1 !== 0n) fail("invalid-proof", `the proof's ${key} is not in affine form`);
  }
  return [
    [word(x1), word(x0)],
    [word(y1), word(y0)],
  ];
}

function scalar(obj: unknown, key: string, where = ""): Word {
  return word(toUint(field(obj, key, where), `the proof's ${where}${key}`));
}

function checkProtocol(system: ProofSystem, proof: object): void {
  const protocol = (proof as { protocol?: unknown }).protocol;
  if (protocol !== undefined && protocol !== system) {
    fail("invalid-proof", `this is a ${String(protocol)} proof, not a ${system} one`, {
      hint: "the proof system must match the proving key the proof was made with",
    });
  }
  const curve = (proof as { curve?: unknown }).curve;
  if (curve !== undefined && curve !== "bn128") {
    fail("invalid-proof", `the proof is over ${String(curve)}; the Solidity verifiers need bn128 (BN254)`);
  }
}

/** The verifier's public-signal array length for `n` signals (FFLONK's template uses at least 1). */
export function verifierPublicLength(system: ProofSystem, n: number): number {
  return system === "fflonk" ? Math.max(n, 1) : n;
}

/** The canonical signature of `verifyProof` in snarkjs's verifier for `system` with `nPublic` signals. */
export function verifierSignature(system: ProofSystem, nPublic: number): string {
  const n = verifierPublicLength(system, nPublic);
  switch (system) {
    case "groth16":
      return `verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[${n}])`;
    case "plonk":
      return `verifyProof(uint256[24],uint256[${n}])`;
    case "fflonk":
      return `verifyProof(bytes32[24],uint256[${n}])`;
  }
}

/** The arguments of `verifyProof` (see the module comment), as words. */
export function verifierArgs(system: ProofSystem, proof: unknown, publicSignals: unknown): unknown[] {
  if (typeof proof !== "object" || proof === null) fail("invalid-proof", "the proof is not an object");
  if (!Array.isArray(publicSignals)) fail("invalid-proof", "the public signals are not an array");
  checkProtocol(system, proof);
  const pub = publicSignals.map((s, i) => word(toUint(s, `public signal ${i}`)));
  while (pub.length < verifierPublicLength(system, publicSignals.length)) pub.push(word(0n));
  switch (system) {
    case "groth16":
      return [g1(proof, "pi_a"), g2Swapped(proof, "pi_b"), g1(proof, "pi_c"), pub];
    case "plonk": {
      const points = ["A", "B", "C", "Z", "T1", "T2", "T3", "Wxi", "Wxiw"].flatMap((k) => g1(proof, k));
      const evals = ["eval_a", "eval_b", "eval_c", "eval_s1", "eval_s2", "eval_zw"].map((k) =>
        scalar(proof, k),
      );
      return [[...points, ...evals], pub];
    }
    case "fflonk": {
      const polys = field(proof, "polynomials", "");
      const evs = field(proof, "evaluations", "");
      const points = ["C1", "C2", "W1", "W2"].flatMap((k) => g1(polys, k, "polynomials."));
      const names = [
        "ql",
        "qr",
        "qm",
        "qo",
        "qc",
        "s1",
        "s2",
        "s3",
        "a",
        "b",
        "c",
        "z",
        "zw",
        "t1w",
        "t2w",
        "inv",
      ];
      const evals = names.map((k) => scalar(evs, k, "evaluations."));
      return [[...points, ...evals], pub];
    }
  }
}

/** The expected shape of `verifyProof`'s arguments: array lengths, nested. */
function argShape(system: ProofSystem, nPub: number): number[][] {
  switch (system) {
    case "groth16":
      return [[2], [2, 2], [2], [nPub]];
    case "plonk":
    case "fflonk":
      return [[24], [nPub]];
  }
}

function flattenArg(v: unknown, dims: number[], where: string, out: Word[]): void {
  const [d, ...rest] = dims;
  if (d === undefined) {
    if (typeof v !== "string" || !WORD.test(v.toLowerCase())) {
      fail("invalid-proof", `${where} is not a 32-byte 0x-hex word`);
    }
    out.push(v.toLowerCase());
    return;
  }
  if (!Array.isArray(v) || v.length !== d) fail("invalid-proof", `${where} is not an array of ${d}`);
  v.forEach((x, i) => {
    flattenArg(x, rest, `${where}[${i}]`, out);
  });
}

/**
 * ABI-encode a call of `verifyProof` from its arguments (as `verifierCalldata` returns them, or parsed
 * from its `text`). The number of public signals is taken from the last argument.
 */
export function encodeVerifierCall(system: ProofSystem, args: unknown): Uint8Array {
  if (!isProofSystem(system)) fail("bug", `unknown proof system ${String(system)}`);
  const last = Array.isArray(args) ? args[args.length - 1] : undefined;
  if (!Array.isArray(last)) return fail("invalid-proof", "the verifier arguments are not an array of arrays");
  const shape = argShape(system, last.length);
  if (!Array.isArray(args) || args.length !== shape.length) {
    fail("invalid-proof", `verifyProof takes ${shape.length} arguments for ${system}`);
  }
  const words: Word[] = [];
  shape.forEach((dims, i) => {
    flattenArg(args[i], dims, `argument ${i}`, words);
  });
  const selector = functionSelector(verifierSignature(system, last.length));
  const data = new Uint8Array(4 + 32 * words.length);
  data.set(selector, 0);
  words.forEach((w, i) => {
    data.set(Buffer.from(w.slice(2), "hex"), 4 + 32 * i);
  });
  return data;
}

/** Calldata for snarkjs's Solidity verifier of `system`, from a proof and its public signals. */
export function verifierCalldata(
  system: ProofSystem,
  proof: unknown,
  publicSignals: unknown,
): VerifierCalldata {
  if (!isProofSystem(system)) fail("bug", `unknown proof system ${String(system)}`);
  const args = verifierArgs(system, proof, publicSignals);
  return {
    functionName: "verifyProof",
    args,
    data: encodeVerifierCall(system, args),
    text: JSON.stringify(args),
  };
}

// ---------------------------------------------------------------------------------------------------
// Keccak-256 (the original Keccak padding used by Ethereum, not NIST SHA3-256; Node's OpenSSL 3.0 has
// only the latter, and @ethereumjs/util does not re-export its hash). Only used for 4-byte selectors,
// so the simple BigInt lanes are fast enough.

/** Keccak-256 (Ethereum's hash, not NIST SHA3-256): function selectors. */
export function keccak256(input: Uint8Array | string): Uint8Array {
  return keccak_256(typeof input === "string" ? new TextEncoder().encode(input) : input);
}

const selectors = new Map<string, Uint8Array>();

/** The 4-byte function selector of a canonical signature such as `verifyProof(uint256[24],uint256[2])`. */
export function functionSelector(signature: string): Uint8Array {
  let sel = selectors.get(signature);
  if (!sel) {
    sel = keccak256(signature).slice(0, 4);
    selectors.set(signature, sel);
  }
  return sel.slice();
}

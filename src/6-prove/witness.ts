/**
 * Witness generation with circom's generated `<name>_js/witness_calculator.js` + `<name>.wasm`, and the
 * `.wtns` file format (iden3 binary: "wtns", version 2, section 1 = field size, prime and witness
 * count, section 2 = the values, little-endian, `n8` bytes each).
 *
 * The calculator is loaded once and reused: `calculate` costs one wasm run per input. The generated
 * CommonJS file is evaluated with `vm.compileFunction` rather than `require` so that its `console`
 * (circom `log(...)` output and its diagnostics) goes to our logger instead of the terminal.
 */
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { compileFunction } from "node:vm";
import { readBinSections, readLeBigint } from "../5-compile/r1cs.js";
import { writeAtomic } from "../artifacts.js";
import { fail } from "../errors.js";

export interface WitnessCalculator {
  /** The full witness (witness[0] = 1, then outputs, public inputs, private inputs, internals). */
  calculate(input: Record<string, unknown>): Promise<bigint[]>;
  /** The witness as `.wtns` bytes, ready for snarkjs. */
  calculateWtns(input: Record<string, unknown>): Promise<Uint8Array>;
  /** The field prime the circuit was compiled for. */
  readonly prime: bigint;
  /** Number of witness values (the r1cs's nVars). */
  readonly witnessSize: number;
}

interface CircomWc {
  prime: bigint;
  witnessSize: number;
  calculateWitness(input: Record<string, unknown>, sanityCheck?: boolean): Promise<bigint[]>;
  calculateWTNSBin(input: Record<string, unknown>, sanityCheck?: boolean): Promise<Uint8Array>;
}
type Builder = (code: Uint8Array, options?: Record<string, unknown>) => Promise<CircomWc>;

/** Input errors that circom's calculator reports: the input, not the circuit, is wrong. */
const INPUT_ERRORS = [
  /Signal .* not found/,
  /Not enough values/,
  /Too many values/,
  /Not all inputs have been set/,
];

function toBigintTree(value: unknown, path: string): unknown {
  if (Array.isArray(value)) return value.map((v, i) => toBigintTree(v, `${path}[${i}]`));
  if (typeof value === "bigint") return value;
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) {
      fail("bad-input", `input ${path} is ${value}, not an integer`, {
        hint: "witness inputs are field elements: pass integers (bigint or decimal strings)",
      });
    }
    return BigInt(value);
  }
  if (typeof value === "string" && /^-?(\d+|0x[0-9a-fA-F]+)$/.test(value.trim())) {
    const s = value.trim();
    return s.startsWith("-") ? -BigInt(s.slice(1)) : BigInt(s);
  }
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toBigintTree(v, `${path}.${k}`);
    return out;
  }
  return fail("bad-input", `input ${path} is ${JSON.stringify(value)}, not an integer`, {
    hint: "witness inputs are field elements: pass integers (bigint or decimal strings)",
  });
}

function normalizeInput(input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) out[k] = toBigintTree(v, k);
  return out;
}

function mapError(e: unknown, wasmPath: string): never {
  // circom's calculator re-wraps errors (`new Error(err)`), which prefixes "Error: ".
  const msg = (e instanceof Error ? e.message : String(e)).trim().replace(/^(Error: )+/, "");
  if (INPUT_ERRORS.some((re) => re.test(msg))) {
    fail("bad-input", `the input does not match the circuit's input signals: ${msg}`, {
      hint: "check the input names and array sizes against the compiled circuit",
      cause: e,
    });
  }
  fail("prove-failed", `witness generation failed (${wasmPath}): ${msg}`, {
    hint: msg.includes("Assert Failed")
      ? "a circuit constraint or assert does not hold for this input; the input is probably outside the " +
        "range the circuit was compiled for (re-calibrate, or check the input scale)"
      : "the witness generator stopped; re-create it with `zkmlc compile`",
    cause: e,
  });
}

/** Load `<dir>/witness_calculator.js` next to `wasmPath`, once; reuse the result for many inputs. */
export async function loadWitnessCalculator(
  wasmPath: string,
  opts: { logger?: (line: string) => void } = {},
): Promise<WitnessCalculator> {
  const wcPath = join(dirname(wasmPath), "witness_calculator.js");
  let wasm: Uint8Array;
  let source: string;
  try {
    wasm = new Uint8Array(await readFile(wasmPath));
    source = await readFile(wcPath, "utf8");
  } catch (e) {
    fail("missing-artifact", `cannot read the witness generator: ${(e as Error).message}`, {
      hint: "run `zkmlc compile` first",
      cause: e,
    });
  }
  const log = opts.logger ?? (() => {});
  const sandboxConsole = {
    log: (...a: unknown[]) => log(a.map(String).join(" ")),
    error: (...a: unknown[]) => log(a.map(String).join(" ")),
    warn: (...a: unknown[]) => log(a.map(String).join(" ")),
    info: (...a: unknown[]) => log(a.map(String).join(" ")),
  };
  const module: { exports: unknown } = { exports: {} };
  try {
    const fn = compileFunction(source, ["module", "exports", "console"], { filename: wcPath });
    fn(module, module.exports, sandboxConsole);
  } catch (e) {
    fail("corrupt-artifact", `${wcPath} could not be loaded: ${(e as Error).message}`, {
      hint: "re-create it with `zkmlc compile`",
      cause: e,
    });
  }
  const builder = module.exports as Builder;
  if (typeof builder !== "function") fail("corrupt-artifact", `${wcPath} does not export a builder function`);
  const build = async (): Promise<CircomWc> => {
    try {
      return await builder(wasm);
    } catch (e) {
      return fail(
        "corrupt-artifact",
        `${wasmPath} is not a valid witness generator: ${(e as Error).message}`,
        {
          hint: "re-create it with `zkmlc compile`",
          cause: e,
        },
      );
    }
  };
  let wc = await build();
  // After a failure the generated code keeps the old error text in a closure and the wasm instance may
  // hold partial state: start the next calculation from a fresh instance.
  const run = async <T>(
    f: (c: CircomWc, input: Record<string, unknown>) => Promise<T>,
    input: Record<string, unknown>,
  ): Promise<T> => {
    const normalized = normalizeInput(input);
    try {
      return await f(wc, normalized);
    } catch (e) {
      wc = await build();
      return mapError(e, wasmPath);
    }
  };
  return {
    prime: wc.prime,
    witnessSize: wc.witnessSize,
    calculate: (input) => run((c, i) => c.calculateWitness(i, true), input),
    calculateWtns: (input) => run((c, i) => c.calculateWTNSBin(i, true), input),
  };
}

/** Write `.wtns` bytes atomically. */
export async function writeWtns(path: string, wtns: Uint8Array): Promise<void> {
  await writeAtomic(path, wtns);
}

/** The values of a `.wtns` file. */
export async function readWtns(path: string): Promise<bigint[]> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (e) {
    fail("missing-artifact", `cannot read witness ${path}: ${(e as Error).message}`, {
      hint: "run `zkmlc witness` first",
      cause: e,
    });
  }
  return parseWtns(bytes, path);
}

/** The values of `.wtns` bytes (as produced by `calculateWtns` or `witnessToWtns`). */
export function parseWtns(bytes: Uint8Array, path = "<witness>"): bigint[] {
  const sections = readBinSections(bytes, "wtns", path);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = sections.get(1)?.[0];
  const d = sections.get(2)?.[0];
  if (!h || !d) fail("corrupt-artifact", `${path}: a wtns file needs sections 1 and 2`);
  const n8 = view.getUint32(h.offset, true);
  if (n8 === 0 || n8 % 8 !== 0) fail("corrupt-artifact", `${path}: bad field size ${n8}`);
  const n = view.getUint32(h.offset + 4 + n8, true);
  if (d.size !== n * n8)
    fail("corrupt-artifact", `${path}: ${n} values need ${n * n8} bytes, found ${d.size}`);
  const out = new Array<bigint>(n);
  for (let i = 0; i < n; i++) out[i] = readLeBigint(view, d.offset + i * n8, n8);
  return out;
}

/** Encode a witness as `.wtns` bytes (values reduced into [0, p)). */
export async function witnessToWtns(witness: bigint[], prime: bigint): Promise<Uint8Array> {
  const n8 = Math.ceil(prime.toString(2).length / 64) * 8;
  const n = witness.length;
  const size = 12 + (12 + 4 + n8 + 4) + (12 + n * n8);
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  bytes.set([0x77, 0x74, 0x6e, 0x73]); // "wtns"
  view.setUint32(4, 2, true); // version
  view.setUint32(8, 2, true); // sections
  let p = 12;
  const writeLe = (v: bigint): void => {
    let x = ((v % prime) + prime) % prime;
    for (let i = 0; i < n8; i += 8) {
      view.setBigUint64(p + i, x & 0xffffffffffffffffn, true);
      x >>= 64n;
    }
    p += n8;
  };
  view.setUint32(p, 1, true);
  view.setBigUint64(p + 4, BigInt(4 + n8 + 4), true);
  p += 12;
  view.setUint32(p, n8, true);
  p += 4;
  let x = prime;
  for (let i = 0; i < n8; i += 8) {
    view.setBigUint64(p + i, x & 0xffffffffffffffffn, true);
    x >>= 64n;
  }
  p += n8;
  view.setUint32(p, n, true);
  p += 4;
  view.setUint32(p, 2, true);
  view.setBigUint64(p + 4, BigInt(n * n8), true);
  p += 12;
  for (const v of witness) writeLe(v);
  return bytes;
}

/**
 * Reading circom's `.r1cs` and `.sym` outputs.
 *
 * The r1cs is parsed here directly (iden3 binary format: "r1cs", version, sections of
 * `type u32, size u64, bytes`) rather than through `r1csfile`: that package is only a transitive
 * dependency of snarkjs, materialises every coefficient as an object (gigabytes at 2^18 dense rows)
 * and builds a curve with worker threads just to read a header. `checkWitness` streams over the
 * constraint section and evaluates every `A·w * B·w - C·w ≡ 0 (mod p)` with plain bigints, so it is
 * exact; its test cross-checks it against snarkjs's `wtns check`.
 */
import { readFile } from "node:fs/promises";
import { readWhole } from "../6-prove/binfile.js";
import { fail } from "../errors.js";

export interface R1csInfo {
  nConstraints: number;
  nVars: number;
  nOutputs: number;
  nPubInputs: number;
  nPrvInputs: number;
  prime: bigint;
}

export interface WitnessCheck {
  ok: boolean;
  /** Indices of violated constraints (at most 10). */
  failing: number[];
  /** Why the witness was rejected before or besides the constraint check (length, witness[0], range). */
  reason?: string;
}

const HEADER_SECTION = 1;
const CONSTRAINTS_SECTION = 2;

interface Section {
  offset: number;
  size: number;
}

interface ParsedR1cs {
  view: DataView;
  bytes: Uint8Array;
  n8: number;
  info: R1csInfo;
  constraints: Section;
}

async function readBytes(path: string, what: string): Promise<Uint8Array> {
  try {
    return await readWhole(path);
  } catch (e) {
    fail("missing-artifact", `cannot read ${what} ${path}: ${(e as Error).message}`, {
      hint: "run `zkmlc compile` first",
      cause: e,
    });
  }
}

/** Little-endian unsigned integer of `n8` bytes (n8 a multiple of 8). */
export function readLeBigint(view: DataView, offset: number, n8: number): bigint {
  let v = 0n;
  for (let i = n8 - 8; i >= 0; i -= 8) v = (v << 64n) | view.getBigUint64(offset + i, true);
  return v;
}

/** Split an iden3 binary file ("r1cs", "wtns", "zkey", "ptau") into its sections; throws corrupt-artifact. */
export function readBinSections(bytes: Uint8Array, type: string, path: string): Map<number, Section[]> {
  const corrupt = (why: string): never =>
    fail("corrupt-artifact", `${path} is not a valid ${type} file: ${why}`, {
      hint: "the file is damaged or truncated; re-create it with the step that wrote it",
    });
  if (bytes.length < 12) corrupt("too short");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = String.fromCharCode(bytes[0] ?? 0, bytes[1] ?? 0, bytes[2] ?? 0, bytes[3] ?? 0);
  if (magic !== type) corrupt(`magic is "${magic}"`);
  const nSections = view.getUint32(8, true);
  const sections = new Map<number, Section[]>();
  let pos = 12;
  for (let i = 0; i < nSections; i++) {
    if (pos + 12 > bytes.length) corrupt(`section ${i} header is past the end of the file`);
    const id = view.getUint32(pos, true);
    const size = Number(view.getBigUint64(pos + 4, true));
    pos += 12;
    if (pos + size > bytes.length) corrupt(`section ${id} is truncated`);
    const list = sections.get(id) ?? [];
    list.push({ offset: pos, size });
    sections.set(id, list);
    pos += size;
  }
  return sections;
}

function uniqueSection(sections: Map<number, Section[]>, id: number, path: string): Section {
  const list = sections.get(id);
  if (list?.length !== 1 || !list[0]) {
    fail("corrupt-artifact", `${path}: expected exactly one section ${id}, found ${list?.length ?? 0}`, {
      hint: "the file is damaged; re-create it with `zkmlc compile`",
    });
  }
  return list[0];
}

function parseR1cs(bytes: Uint8Array, path: string): ParsedR1cs {
  const sections = readBinSections(bytes, "r1cs", path);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = uniqueSection(sections, HEADER_SECTION, path);
  const n8 = view.getUint32(h.offset, true);
  if (n8 === 0 || n8 % 8 !== 0 || h.size < 4 + n8 + 28) {
    fail("corrupt-artifact", `${path}: bad r1cs header (field size ${n8} bytes)`);
  }
  const prime = readLeBigint(view, h.offset + 4, n8);
  let p = h.offset + 4 + n8;
  const u32 = (): number => {
    const v = view.getUint32(p, true);
    p += 4;
    return v;
  };
  const nVars = u32();
  const nOutputs = u32();
  const nPubInputs = u32();
  const nPrvInputs = u32();
  p += 8; // nLabels (u64)
  const nConstraints = u32();
  return {
    view,
    bytes,
    n8,
    info: { nConstraints, nVars, nOutputs, nPubInputs, nPrvInputs, prime },
    constraints: uniqueSection(sections, CONSTRAINTS_SECTION, path),
  };
}

/** The r1cs header: constraint and signal counts and the field prime. */
export async function readR1csInfo(r1csPath: string): Promise<R1csInfo> {
  return parseR1cs(await readBytes(r1csPath, "r1cs"), r1csPath).info;
}

/**
 * Check a full witness against every constraint of the r1cs, exactly (bigint arithmetic mod p).
 * Also checks the length, `witness[0] == 1` and that every value is in [0, p).
 */
export async function checkWitness(r1csPath: string, witness: bigint[]): Promise<WitnessCheck> {
  const r = parseR1cs(await readBytes(r1csPath, "r1cs"), r1csPath);
  const { nVars, nConstraints, prime } = r.info;
  if (witness.length !== nVars) {
    return {
      ok: false,
      failing: [],
      reason: `witness has ${witness.length} values, the r1cs has ${nVars} wires`,
    };
  }
  for (let i = 0; i < witness.length; i++) {
    const v = witness[i] as bigint;
    if (v < 0n || v >= prime) return { ok: false, failing: [], reason: `witness[${i}] is not in [0, p)` };
  }
  const failing: number[] = [];
  let reason: string | undefined;
  if (witness[0] !== 1n) reason = `witness[0] is ${witness[0]}, it must be 1`;
  const { view, n8 } = r;
  let pos = r.constraints.offset;
  const end = pos + r.constraints.size;
  const lc = (): bigint => {
    const n = view.getUint32(pos, true);
    pos += 4;
    let acc = 0n;
    for (let k = 0; k < n; k++) {
      const idx = view.getUint32(pos, true);
      const w = witness[idx];
      if (w === undefined) {
        fail(
          "corrupt-artifact",
          `${r1csPath}: constraint refers to wire ${idx} but there are ${nVars} wires`,
        );
      }
      if (w !== 0n) acc += readLeBigint(view, pos + 4, n8) * w;
      pos += 4 + n8;
    }
    return acc % prime;
  };
  for (let i = 0; i < nConstraints; i++) {
    if (pos >= end) fail("corrupt-artifact", `${r1csPath}: constraint section ends before constraint ${i}`);
    const a = lc();
    const b = lc();
    const c = lc();
    if ((a * b - c) % prime !== 0n) {
      failing.push(i);
      if (failing.length >= 10) break;
    }
  }
  const ok = failing.length === 0 && reason === undefined;
  if (!ok && reason === undefined) reason = `constraint ${failing[0]} is not satisfied`;
  return reason === undefined ? { ok, failing } : { ok, failing, reason };
}

/**
 * circom's `.sym` file as a map from signal name ("main.out[3]", "main.n0.bits[5]") to witness index.
 * Signals that the optimizer removed (witness index -1) are omitted.
 */
export async function readSymbols(symPath: string): Promise<Map<string, number>> {
  let text: string;
  try {
    text = await readFile(symPath, "utf8");
  } catch (e) {
    fail("missing-artifact", `cannot read symbol file ${symPath}: ${(e as Error).message}`, {
      hint: "run `zkmlc compile` first",
      cause: e,
    });
  }
  const map = new Map<string, number>();
  let lineNo = 0;
  for (const line of text.split("\n")) {
    lineNo++;
    if (line === "") continue;
    // labelId,witnessIdx,componentIdx,name (the name itself has no commas)
    const c1 = line.indexOf(",");
    const c2 = line.indexOf(",", c1 + 1);
    const c3 = line.indexOf(",", c2 + 1);
    if (c1 < 0 || c2 < 0 || c3 < 0)
      fail("corrupt-artifact", `${symPath}:${lineNo}: malformed line "${line}"`);
    const idx = Number(line.slice(c1 + 1, c2));
    if (!Number.isInteger(idx)) fail("corrupt-artifact", `${symPath}:${lineNo}: bad witness index`);
    if (idx >= 0) map.set(line.slice(c3 + 1), idx);
  }
  return map;
}

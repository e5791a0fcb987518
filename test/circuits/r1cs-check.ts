/**
 * A compiled r1cs checked against many witnesses: the file is parsed once (src's `checkWitness` reads
 * and parses it on every call, and the mutation tests make thousands of calls per build). Same
 * semantics as `checkWitness` (length, witness[0] = 1, values in [0, p), every A·w · B·w = C·w mod p, at
 * most 10 failing constraints), and every 32nd check is also made by `checkWitness` itself: the two must
 * agree, or the check throws.
 */
import { readFile } from "node:fs/promises";
import { checkWitness, readBinSections, readLeBigint, type WitnessCheck } from "../../src/5-compile/r1cs.js";

interface Lc {
  wires: Int32Array;
  coefs: bigint[];
}

export type Checker = (witness: bigint[]) => Promise<WitnessCheck>;

export async function r1csChecker(path: string): Promise<Checker> {
  const bytes = new Uint8Array(await readFile(path));
  const sections = readBinSections(bytes, "r1cs", path);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = sections.get(1)?.[0];
  const body = sections.get(2)?.[0];
  if (!header || !body) throw new Error(`${path}: no header or constraint section`);
  const n8 = view.getUint32(header.offset, true);
  const prime = readLeBigint(view, header.offset + 4, n8);
  const nVars = view.getUint32(header.offset + 4 + n8, true);
  const nConstraints = view.getUint32(header.offset + 4 + n8 + 24, true);
  let pos = body.offset;
  const lc = (): Lc => {
    const n = view.getUint32(pos, true);
    pos += 4;
    const wires = new Int32Array(n);
    const coefs: bigint[] = new Array(n);
    for (let k = 0; k < n; k++) {
      wires[k] = view.getUint32(pos, true);
      coefs[k] = readLeBigint(view, pos + 4, n8);
      pos += 4 + n8;
    }
    return { wires, coefs };
  };
  const rows: [Lc, Lc, Lc][] = [];
  for (let i = 0; i < nConstraints; i++) rows.push([lc(), lc(), lc()]);
  const value = (x: Lc, w: bigint[]): bigint => {
    let acc = 0n;
    for (let k = 0; k < x.wires.length; k++) {
      const v = w[x.wires[k] as number] as bigint;
      if (v !== 0n) acc += (x.coefs[k] as bigint) * v;
    }
    return acc % prime;
  };
  const check = (w: bigint[]): WitnessCheck => {
    if (w.length !== nVars)
      return {
        ok: false,
        failing: [],
        reason: `witness has ${w.length} values, the r1cs has ${nVars} wires`,
      };
    for (let i = 0; i < w.length; i++) {
      const v = w[i] as bigint;
      if (v < 0n || v >= prime) return { ok: false, failing: [], reason: `witness[${i}] is not in [0, p)` };
    }
    const failing: number[] = [];
    for (let i = 0; i < rows.length && failing.length < 10; i++) {
      const [a, b, c] = rows[i] as [Lc, Lc, Lc];
      if ((value(a, w) * value(b, w) - value(c, w)) % prime !== 0n) failing.push(i);
    }
    if (w[0] !== 1n) return { ok: false, failing, reason: `witness[0] is ${w[0]}, it must be 1` };
    return failing.length === 0
      ? { ok: true, failing }
      : { ok: false, failing, reason: `constraint ${failing[0]} is not satisfied` };
  };
  let calls = 0;
  return async (w) => {
    const res = check(w);
    if (calls++ % 32 === 0) {
      const ref = await checkWitness(path, w);
      if (ref.ok !== res.ok || ref.failing.join() !== res.failing.join())
        throw new Error(
          `${path}: the parsed r1cs and checkWitness disagree (${res.reason} vs ${ref.reason})`,
        );
    }
    return res;
  };
}

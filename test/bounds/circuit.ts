/**
 * The compiled circuit under test (see harness.ts): the build, its plan and settings, each input's
 * enforced and calibrated integer ranges, the witness generator (strict, and lenient: asserts recorded),
 * the symbol table and the r1cs held in memory, and small lookups (tensors, nodes, outputs).
 */
import { writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { compileFunction } from "node:vm";
import { decodeModel } from "../../src/1-decode/decode.js";
import type { Graph } from "../../src/1-decode/graph.js";
import { evaluatePlan } from "../../src/3-lower/evaluate.js";
import type { Plan, QTensor } from "../../src/3-lower/ir.js";
import { readBinSections, readLeBigint, readSymbols } from "../../src/5-compile/r1cs.js";
import { loadWitnessCalculator, type WitnessCalculator } from "../../src/6-prove/witness.js";
import { artifactPath } from "../../src/artifacts.js";
import { ZkmlError } from "../../src/errors.js";
import { compile } from "../../src/steps/compile.js";
import { type FloatModel, loadFloatModel } from "../../src/steps/onnxruntime.js";
import type { CompileOptions, Settings } from "../../src/steps/settings.js";
import { P, toField } from "../circuits/harness.js";
import { FIXED, writeTempModel } from "../support/op-check.js";

/** One graph input's ranges, as integers at its scale. */
export interface InputRange {
  name: string;
  /** Its circuit signal (main.<signal>[i]) and its range check's components (main.rc_<signal>[i]). */
  signal: string;
  size: number;
  scale: number;
  /** Enforced range [lo, top], top = lo + 2^bits − 1. */
  lo: bigint;
  top: bigint;
  bits: number;
  /** Calibrated range (what prove accepts). */
  calLo: bigint;
  calHi: bigint;
}

export interface BoundsOptions extends CompileOptions {
  /** Calibrated real range per input name (written as a calibration file); others take inputRange. */
  ranges?: Record<string, [number, number]>;
  /** Compare with onnxruntime (check (d)); default true. */
  float?: boolean;
}

export interface Lc {
  wires: number[];
  coefs: bigint[];
}

/** The r1cs held in memory: constraints, and per wire the constraints that use it. */
export interface R1cs {
  nVars: number;
  rows: [Lc, Lc, Lc][];
  uses: number[][];
}

/** A variant of the circuit: its source edited (one check relaxed), compiled beside it. */
export interface Variant {
  wc: WitnessCalculator;
  symbols: Map<string, number>;
  r1csPath: string;
}

export interface BoundsCircuit {
  path: string;
  dir: string;
  r1csPath: string;
  graph: Graph;
  plan: Plan;
  settings: Settings;
  inputs: InputRange[];
  wc: WitnessCalculator;
  symbols: Map<string, number>;
  /** Every name of each wire. */
  names: string[][];
  r1cs: R1cs;
  float: FloatModel | undefined;
  /** Variants of the circuit with one check relaxed (see `variant`), by key. */
  variants: Map<string, Variant>;
  /**
   * The witness generator with its asserts recorded instead of thrown. circom's generated code leaves
   * the template of a failed assert early, so later signals keep whatever they held (zero).
   */
  lenient(input: Record<string, bigint[]>): Promise<{ witness: bigint[]; asserts: number }>;
}

export const F = (x: bigint) => toField(x);

export const signed = (v: bigint) => (v > P / 2n ? v - P : v);

/** Compile a model (private inputs unless opts say otherwise) and load everything the checks need. */
export async function compileBounds(model: Uint8Array, options: BoundsOptions = {}): Promise<BoundsCircuit> {
  const { ranges, float = true, ...rest } = options;
  const opts: CompileOptions = { ...FIXED, ...rest };
  const path = writeTempModel(model);
  if (ranges) {
    opts.calibration = calibrationFile(path, model, ranges, opts.inputRange ?? [-1, 1]);
    delete opts.inputRange; // it would override the calibration file
  }
  const dir = join(path, "..", "build");
  // The circom backend: its wasm witness generator checks each constraint and computes from raw inputs
  // (the direct backend is checked on the same samples by checkDirect, harness.ts).
  const { settings, plan } = await compile(path, dir, { ...opts, backend: "circom" });
  const graph = decodeModel(model);
  const r1csPath = artifactPath(dir, "r1cs");
  const wasm = artifactPath(dir, "wasm");
  const symbols = await readSymbols(artifactPath(dir, "sym"));
  const r1cs = await loadR1cs(r1csPath);
  const names: string[][] = Array.from({ length: r1cs.nVars }, () => []);
  for (const [name, i] of symbols) names[i]?.push(name);
  const inputs = plan.inputs.map((p, k): InputRange => {
    const t = plan.tensors[p.out] as QTensor;
    const s = settings.inputs[k] as Settings["inputs"][number];
    return {
      name: t.onnxName,
      signal: s.signal,
      size: t.lo.length,
      scale: t.scale,
      lo: p.lo,
      top: p.lo + (1n << BigInt(p.bits)) - 1n,
      bits: p.bits,
      calLo: BigInt(s.intRange[0]),
      calHi: BigInt(s.intRange[1]),
    };
  });
  return {
    path,
    dir,
    r1csPath,
    graph,
    plan,
    settings,
    inputs,
    wc: await loadWitnessCalculator(wasm),
    symbols,
    names,
    r1cs,
    float: float ? await loadFloatModel(path, graph.inputs, graph.outputs) : undefined,
    variants: new Map(),
    lenient: await lenientCalculator(wasm),
  };
}

/** A calibration file whose two samples are every input's calibrated ends. */
function calibrationFile(
  path: string,
  model: Uint8Array,
  ranges: Record<string, [number, number]>,
  def: [number, number],
): string {
  const g = decodeModel(model);
  const at = (end: 0 | 1) =>
    Object.fromEntries(
      g.inputs.map((i) => [
        i.name,
        new Array(i.shape.reduce((a, b) => a * b, 1)).fill((ranges[i.name] ?? def)[end]),
      ]),
    );
  const file = join(path, "..", "calibration.json");
  writeFileSync(file, JSON.stringify([at(0), at(1)]));
  return file;
}

async function lenientCalculator(
  wasmPath: string,
): Promise<(input: Record<string, bigint[]>) => Promise<{ witness: bigint[]; asserts: number }>> {
  const THROW = "throw new Error(err + errStr);";
  const source = await readFile(join(wasmPath, "..", "witness_calculator.js"), "utf8");
  if (!source.includes(THROW))
    throw new Error("circom's witness_calculator.js changed: cannot record asserts");
  const state = { asserts: 0 };
  const patched = source.replace(THROW, `if (code == 4) { state.asserts++; errStr = ""; return; } ${THROW}`);
  const mod: { exports: unknown } = { exports: {} };
  compileFunction(patched, ["module", "exports", "console", "state"])(mod, mod.exports, console, state);
  const builder = mod.exports as (code: Uint8Array) => Promise<{
    calculateWitness(input: Record<string, unknown>, sanityCheck: boolean): Promise<bigint[]>;
  }>;
  const wasm = new Uint8Array(await readFile(wasmPath));
  return async (input) => {
    // a fresh instance per run: a run that recorded asserts may leave state behind
    const wc = await builder(wasm);
    state.asserts = 0;
    const witness = await wc.calculateWitness(input, true);
    return { witness, asserts: state.asserts };
  };
}

/** The witness generator's input object for one sample of integers. */
export function circuitInput(c: BoundsCircuit, ints: bigint[][]): Record<string, bigint[]> {
  return Object.fromEntries(c.inputs.map((inp, k) => [inp.signal, (ints[k] ?? []).map(F)]));
}

/** The reference on a sample, or undefined when it has none (an index outside the valid candidates). */
export function reference(plan: Plan, ints: bigint[][]): bigint[][] | undefined {
  try {
    return evaluatePlan(plan, ints);
  } catch (e) {
    if (e instanceof ZkmlError && e.code === "input-out-of-range") return undefined;
    throw e;
  }
}

export function show(c: BoundsCircuit, ints: bigint[][]): string {
  return c.inputs.map((inp, k) => `${inp.name}=[${(ints[k] ?? []).join(",")}]`).join(" ");
}

/** The tensor of a graph output, else the last tensor an ONNX name labels (several prims may carry it). */
export function tensorId(plan: Plan, onnxName: string): number {
  const out = plan.outputs.find((o) => o.onnxName === onnxName);
  if (out) return out.tensor;
  const ids = plan.tensors.filter((t) => t.onnxName === onnxName).map((t) => t.id);
  const id = ids.at(-1);
  if (id === undefined)
    throw new Error(`no tensor "${onnxName}"; tensors: ${plan.tensors.map((t) => t.onnxName).join(", ")}`);
  return id;
}

/** The prims a node (by ONNX node name, e.g. "n3") lowered to. */
export function nodePrims(c: BoundsCircuit, name: string): Plan["nodes"][number]["prims"] {
  const n = c.plan.nodes.find((pn) => pn.node.name === name);
  if (!n) throw new Error(`no planned node "${name}"`);
  return n.prims;
}

/** Graph output `name`'s element `i` in a witness, as a signed integer. */
export function outputValue(c: BoundsCircuit, witness: bigint[], name: string, i = 0): bigint {
  const o = c.settings.outputs.find((x) => x.name === name);
  const w = c.symbols.get(`main.${o?.signal}[${i}]`);
  if (w === undefined) throw new Error(`no output signal for "${name}"[${i}]`);
  return signed(witness[w] as bigint);
}

function lcValue(lc: Lc, w: bigint[]): bigint {
  let acc = 0n;
  for (let t = 0; t < lc.wires.length; t++)
    acc += (lc.coefs[t] as bigint) * (w[lc.wires[t] as number] as bigint);
  return acc % P;
}

export function rowHolds(row: [Lc, Lc, Lc], w: bigint[]): boolean {
  return (lcValue(row[0], w) * lcValue(row[1], w) - lcValue(row[2], w)) % P === 0n;
}

export async function loadR1cs(path: string): Promise<R1cs> {
  const bytes = new Uint8Array(await readFile(path));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sections = readBinSections(bytes, "r1cs", path);
  const h = sections.get(1)?.[0];
  const cs = sections.get(2)?.[0];
  if (!h || !cs) throw new Error(`${path}: no header or constraints`);
  const n8 = view.getUint32(h.offset, true);
  const nVars = view.getUint32(h.offset + 4 + n8, true);
  const nConstraints = view.getUint32(h.offset + 4 + n8 + 24, true);
  let pos = cs.offset;
  const lc = (): Lc => {
    const n = view.getUint32(pos, true);
    pos += 4;
    const wires: number[] = [];
    const coefs: bigint[] = [];
    for (let t = 0; t < n; t++) {
      wires.push(view.getUint32(pos, true));
      coefs.push(readLeBigint(view, pos + 4, n8));
      pos += 4 + n8;
    }
    return { wires, coefs };
  };
  const rows: [Lc, Lc, Lc][] = [];
  const uses: number[][] = Array.from({ length: nVars }, () => []);
  for (let i = 0; i < nConstraints; i++) {
    const row: [Lc, Lc, Lc] = [lc(), lc(), lc()];
    rows.push(row);
    for (const w of new Set(row.flatMap((l) => l.wires))) uses[w]?.push(i);
  }
  return { nVars, rows, uses };
}

/**
 * Forged witnesses and the mutation probe (see harness.ts): an input past its enforced range, computed
 * by a variant of the circuit with only that range check widened; an index past the axis, computed by a
 * variant without membership checks; an internal value one past its bounds; ±1 on every wire.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "vitest";
import { evaluatePlan } from "../../src/3-lower/evaluate.js";
import type { Plan, QTensor } from "../../src/3-lower/ir.js";
import { tensorSignal } from "../../src/4-emit/names.js";
import { compileCircom } from "../../src/5-compile/circom.js";
import { checkWitness, readSymbols } from "../../src/5-compile/r1cs.js";
import { loadWitnessCalculator } from "../../src/6-prove/witness.js";
import { artifactPath } from "../../src/artifacts.js";
import { P } from "../circuits/harness.js";
import {
  type BoundsCircuit,
  circuitInput,
  F,
  type InputRange,
  type Lc,
  reference,
  rowHolds,
  tensorId,
  type Variant,
} from "./circuit.js";

/** Where a rejected witness fails: per violated constraint, the components its wires belong to. */
export interface Rejection {
  ok: boolean;
  /** Tags of the components of the violated constraints: "rc_<signal>[j]" (a range check), "t<id>" (a prim). */
  blame: Set<string>;
  violated: number;
}

/**
 * What a wire name belongs to: a range check ("rc_<signal>[j]", its bits), a prim ("t<id>": its
 * component or its output signal), or an input element ("in:<signal>[j]").
 */
function tagOf(name: string): string | undefined {
  const rc = /^main\.(rc_\w+\[\d+\])\./.exec(name);
  if (rc) return rc[1];
  const prim = /^main\.c_(t\d+)[_[]/.exec(name);
  if (prim) return prim[1];
  const sig = /^main\.(t\d+)\[/.exec(name);
  if (sig) return sig[1];
  const input = /^main\.(in_\w+\[\d+\])$/.exec(name);
  return input ? `in:${input[1]}` : undefined;
}

/**
 * Evaluate every constraint; the tags of the violated ones. A constraint on one input element alone
 * (and its own range-check bits) is that element's range check: under --O2 a 1-bit check is just
 * in·(in − 1) = 0, on the input wire only.
 */
export async function rejection(c: BoundsCircuit, witness: bigint[]): Promise<Rejection> {
  const official = await checkWitness(c.r1csPath, witness);
  const blame = new Set<string>();
  let violated = 0;
  for (const row of c.r1cs.rows) {
    if (rowHolds(row, witness)) continue;
    violated++;
    const tags = new Set<string>();
    for (const lc of row)
      for (const w of lc.wires)
        for (const n of c.names[w] ?? []) {
          const t = tagOf(n);
          if (t) tags.add(t);
        }
    const ins = [...tags].filter((t) => t.startsWith("in:"));
    const rc = ins.length === 1 ? `rc_${ins[0]?.slice(3)}` : undefined;
    if (rc && [...tags].every((t) => t === ins[0] || t === rc)) tags.add(rc);
    for (const t of tags) if (!t.startsWith("in:")) blame.add(t);
  }
  // the in-memory evaluation and src/5-compile/r1cs.ts agree
  expect(official.ok).toBe(violated === 0);
  return { ok: official.ok, blame, violated };
}

/** The reference with tensor `id` replaced by `values` (its producing prim skipped). */
export function referenceWith(plan: Plan, ints: bigint[][], id: number, values: bigint[]): bigint[][] {
  const t = plan.tensors[id] as QTensor;
  const patched: Plan = {
    ...plan,
    inputs: [...plan.inputs, { kind: "input", out: id, lo: 0n, bits: 1, visibility: "private" }],
    nodes: plan.nodes.map((n) => ({
      ...n,
      prims: n.prims.filter((p) => p.kind === "input" || p.out !== id),
    })),
  };
  if (values.length !== t.lo.length) throw new Error("override has the wrong length");
  return evaluatePlan(patched, [...ints, values]);
}

/** A copy of `witness` with every kept tensor signal, output and input set from a reference. */
function overwrite(c: BoundsCircuit, witness: bigint[], ints: bigint[][], ref: bigint[][]): bigint[] {
  const w = witness.slice();
  const set = (name: string, v: bigint) => {
    const i = c.symbols.get(name);
    if (i !== undefined) w[i] = F(v);
  };
  for (const [k, inp] of c.inputs.entries())
    for (const [i, v] of (ints[k] ?? []).entries()) set(`main.${inp.signal}[${i}]`, v);
  for (const [id, vals] of ref.entries())
    for (const [i, v] of (vals ?? []).entries()) set(`main.${tensorSignal(id)}[${i}]`, v);
  for (const [k, o] of c.settings.outputs.entries())
    for (const [i, v] of (ref[c.plan.outputs[k]?.tensor ?? -1] ?? []).entries())
      set(`main.${o.signal}[${i}]`, v);
  return w;
}

/** Compile `edit(circuit.circom)` as `<key>.circom` in the build directory (once per key). */
async function variant(c: BoundsCircuit, key: string, edit: (source: string) => string): Promise<Variant> {
  const hit = c.variants.get(key);
  if (hit) return hit;
  const source = await readFile(artifactPath(c.dir, "circuit"), "utf8");
  const edited = edit(source);
  expect(edited, `variant ${key} changes the circuit`).not.toBe(source);
  const mainFile = `${key}.circom`;
  await writeFile(join(c.dir, mainFile), edited);
  const optimize = c.settings.circuit.optimization === "O1" ? 1 : 2;
  const res = await compileCircom({ workDir: c.dir, mainFile, optimize });
  const v: Variant = {
    wc: await loadWitnessCalculator(res.wasmPath),
    symbols: await readSymbols(res.symPath),
    r1csPath: res.r1csPath,
  };
  c.variants.set(key, v);
  return v;
}

/**
 * The witness a variant's generator computes for `ints`, checked against the variant's r1cs and laid
 * out for the real circuit by signal name (wires the variant lacks, such as the powers only a
 * membership check needs, take the real generator's values, which it computes before its check
 * fails); undefined when the variant's generator fails too.
 */
async function variantWitness(c: BoundsCircuit, v: Variant, ints: bigint[][]): Promise<bigint[] | undefined> {
  const input = circuitInput(c, ints);
  let w: bigint[];
  try {
    w = await v.wc.calculate(input);
  } catch {
    return undefined;
  }
  expect((await checkWitness(v.r1csPath, w)).ok, "the variant's r1cs accepts its witness").toBe(true);
  const own = (await c.lenient(input)).witness;
  return c.names.map((names, i) => {
    const at = names.map((n) => v.symbols.get(n)).find((x) => x !== undefined);
    return at === undefined ? (own[i] as bigint) : (w[at] as bigint);
  });
}

/** The circuit with input `k`'s range check widened to [lo − 2^bits, lo + 3·2^bits) (two more bits). */
function widenRangeCheck(c: BoundsCircuit, k: number): Promise<Variant> {
  const inp = c.inputs[k] as InputRange;
  return variant(c, `widened_${k}`, (source) => {
    // the emitted check must be exactly [lo, lo + 2^bits): RangeCheck(bits) of in − lo
    const rc = `rc_${inp.signal}`;
    const make = `${rc}[i] = RangeCheck(${inp.bits});`;
    const off = inp.lo === 0n ? "" : inp.lo < 0n ? ` + ${-inp.lo}` : ` - ${inp.lo}`;
    const wire = `${rc}[i].in <== ${inp.signal}[i]${off};`;
    expect(source, `${inp.name} is range-checked to [${inp.lo}, ${inp.lo} + 2^${inp.bits})`).toContain(make);
    expect(source).toContain(wire);
    return source
      .replace(make, `${rc}[i] = RangeCheck(${inp.bits + 2});`)
      .replace(wire, `${rc}[i].in <== ${inp.signal}[i]${off} + ${1n << BigInt(inp.bits)};`);
  });
}

/**
 * An index outside the candidates of a checked one-hot: the strict generator fails, and the witness of
 * the same circuit without membership checks (every OneHot(K, 1) made OneHot(K, 0)), which that circuit
 * accepts, is rejected by the real one. So the membership check is what rejects the index.
 */
export async function expectMembershipRejects(c: BoundsCircuit, ints: bigint[][]): Promise<bigint[]> {
  expect(reference(c.plan, ints), "the reference has no value for it").toBeUndefined();
  await expect(c.wc.calculate(circuitInput(c, ints)), "the strict generator refuses it").rejects.toThrow();
  const v = await variant(c, "unchecked", (source) => source.replace(/OneHot\((\d+), 1\)/g, "OneHot($1, 0)"));
  const w = await variantWitness(c, v, ints);
  expect(w, "the circuit without membership checks has a witness").toBeDefined();
  const r = await rejection(c, w as bigint[]);
  expect(r.ok, "the real circuit rejects that witness").toBe(false);
  return w as bigint[];
}

export interface InputForgery {
  /** The range check of the forged element ("rc_<signal>[j]"). */
  rangeCheck: string;
  /**
   * How the other signals were computed. "relaxed": by the witness generator of the same circuit with
   * only this input's range check widened (by 2^bits below and above), whose r1cs accepts that witness:
   * the range check, the only difference, is what stands between this input and an accepted proof.
   * The witness is laid out for the real circuit by signal name, and the real r1cs rejects it.
   * "reference": the widened circuit fails further on (a later check rejects the value too: fail-closed),
   * so the witness is the real generator's (which stops at the failed range check) with every tensor
   * signal set to the reference on the forged input where it has one.
   */
  via: "relaxed" | "reference";
  rejection: Rejection;
  /** The forged witness (in the original circuit's layout). */
  witness: bigint[];
}

/**
 * Input `k`'s element `j` set to `value` (outside its enforced range) on top of sample `base`, every
 * other signal computed as honestly as possible (see InputForgery.via): the witness the r1cs is asked
 * to accept. The strict witness generator must refuse the input.
 */
export async function forgeInput(
  c: BoundsCircuit,
  base: bigint[][],
  k: number,
  j: number,
  value: bigint,
): Promise<InputForgery> {
  const ints = base.map((v, kk) => (kk === k ? v.map((x, jj) => (jj === j ? value : x)) : v.slice()));
  const input = circuitInput(c, ints);
  await expect(c.wc.calculate(input), "the strict witness generator refuses it").rejects.toThrow();
  const rangeCheck = `rc_${c.inputs[k]?.signal}[${j}]`;
  const wide = await variantWitness(c, await widenRangeCheck(c, k), ints);
  if (wide) return { rangeCheck, via: "relaxed", rejection: await rejection(c, wide), witness: wide };
  const { witness } = await c.lenient(input);
  // past the enforced range the reference may have no value either (a poly input past its domain)
  let ref: bigint[][] | undefined;
  try {
    ref = evaluatePlan(c.plan, ints);
  } catch {
    ref = undefined;
  }
  const forged = ref ? overwrite(c, witness, ints, ref) : witness;
  return { rangeCheck, via: "reference", rejection: await rejection(c, forged), witness: forged };
}

/**
 * Tensor `id` (or the tensor of that ONNX name) element `j` set to `value` on top of a valid witness for
 * `base`, with every downstream tensor signal recomputed by the reference: the forged witness changes at
 * least one kept signal, and the r1cs must reject it.
 */
export async function forgeTensor(
  c: BoundsCircuit,
  base: bigint[][],
  tensor: number | string,
  j: number,
  value: bigint,
): Promise<Rejection & { tensor: number }> {
  const id = typeof tensor === "number" ? tensor : tensorId(c.plan, tensor);
  const witness = await c.wc.calculate(circuitInput(c, base));
  const ref = reference(c.plan, base) as bigint[][];
  const vals = (ref[id] as bigint[]).slice();
  vals[j] = value;
  // downstream of the forged value the reference may have no value (a poly input past its domain):
  // then only the forged tensor changes and everything after it keeps the valid witness's values
  let forgedRef: bigint[][];
  try {
    forgedRef = referenceWith(c.plan, base, id, vals);
  } catch {
    forgedRef = ref.map((v, i) => (i === id ? vals : v));
  }
  const forged = overwrite(c, witness, base, forgedRef);
  expect(
    forged.some((v, i) => v !== witness[i]),
    "the forgery changes a kept signal",
  ).toBe(true);
  return { ...(await rejection(c, forged)), tensor: id };
}

/** Tags ("t<id>") of every prim of the node that computes tensor `id`. */
export function nodeTags(c: BoundsCircuit, id: number): string[] {
  const n = c.plan.nodes.find((pn) => pn.prims.some((p) => p.kind !== "input" && p.out === id));
  if (!n) throw new Error(`tensor ${id} is not computed by a node`);
  return n.prims.flatMap((p) => (p.kind === "input" ? [] : [`t${p.out}`]));
}

/**
 * An internal bound is enforced: element `j` of tensor `name` forged one past each of `sides` of its
 * bounds (everything downstream recomputed) is rejected, by a constraint of the node that computes it.
 */
export async function expectPinned(
  c: BoundsCircuit,
  valid: bigint[][][],
  name: string,
  sides: ("lo" | "hi")[] = ["lo", "hi"],
  j = 0,
): Promise<void> {
  const id = tensorId(c.plan, name);
  const t = c.plan.tensors[id] as QTensor;
  const own = nodeTags(c, id);
  for (const side of sides) {
    const value = side === "lo" ? (t.lo[j] as bigint) - 1n : (t.hi[j] as bigint) + 1n;
    const r = await forgeTensor(c, valid[0] as bigint[][], id, j, value);
    const what = `${name}[${j}] = ${value} (bounds [${t.lo[j]}, ${t.hi[j]}])`;
    expect(r.ok, what).toBe(false);
    expect(
      own.some((tag) => r.blame.has(tag)),
      `${what} is rejected by its node's constraints (${own.join(", ")}), blamed: ${[...r.blame].join(", ")}`,
    ).toBe(true);
  }
}

/**
 * The input forgery was computed by the circuit with only its range check widened (a witness that
 * circuit accepts), and the real circuit rejects it: the range check alone enforces the bound.
 */
export function expectOnlyRangeCheck(f: InputForgery): void {
  expect(f.via, "every constraint but the range check holds").toBe("relaxed");
  expect(f.rejection.ok).toBe(false);
}

/**
 * Add ±1 to every witness wire except the constant and the inputs, one at a time: the names of wires
 * whose change the r1cs still accepts (only free hints nothing reads may survive).
 */
export async function mutationSurvivors(c: BoundsCircuit, ints: bigint[][]): Promise<string[]> {
  const witness = await c.wc.calculate(circuitInput(c, ints));
  const inputs = new Set<number>([0]);
  for (const inp of c.inputs)
    for (let i = 0; i < inp.size; i++) inputs.add(c.symbols.get(`main.${inp.signal}[${i}]`) ?? -1);
  const survivors: string[] = [];
  for (let w = 0; w < witness.length; w++) {
    if (inputs.has(w)) continue;
    for (const delta of [1n, P - 1n]) {
      const m = witness.slice();
      m[w] = ((m[w] as bigint) + delta) % P;
      if ((c.r1cs.uses[w] ?? []).every((r) => rowHolds(c.r1cs.rows[r] as [Lc, Lc, Lc], m))) {
        survivors.push(c.names[w]?.[0] ?? `#${w}`);
        break;
      }
    }
  }
  return survivors;
}

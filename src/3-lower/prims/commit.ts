import {
  BLOCK,
  blockCount,
  COMMIT_SCHEME,
  commitment,
  commitmentConstraints,
  elementCount,
  packingFactor,
  type SequenceItem,
  sequenceLayout,
} from "../../commit/commitment.js";
import { type PoseidonAlgebra, permute } from "../../commit/poseidon.js";
import { bug } from "../../errors.js";
import { mod } from "../field.js";
import type { CommitPrim, CommitTensorRef } from "../ir.js";
import { pow2 } from "./bits.js";
import { INDENT as I } from "./circom-text.js";
import { Lin } from "./lin.js";
import type { Cs, PrimSpec } from "./spec.js";

/**
 * The zkmlc-commit-v1 commitment of a list of tensors (src/commit/commitment.ts, docs/COMMITMENT.md): the
 * sequence [tag, count, header, packed values, ...] absorbed by a chain of circomlib's Poseidon(16).
 * Headers are compile-time constants; a packed element Σ (v − lo)·2^(bits·i) is a linear combination of
 * the tensor's signals, so packing is free and the cost is Poseidon's S-boxes: 3 constraints each
 * (in², in⁴, in⁵), none for an S-box of a constant (src/commit/commitment.ts commitmentConstraints).
 *
 * Contract: the prim does not range-check what it packs. Packing is injective only when every value v
 * of a tensor lies in [lo, lo + 2^bits): a value outside aliases its neighbours (v = lo + 2^bits packs
 * like lo plus 1 in the next slot), so the caller must give it tensors whose values are proven in that
 * range (the input prim's check, or a check of their own). The committed tensors must be signals, not
 * constants (a constant packed element would lose its S-boxes under --O2, which `cost` does not count).
 */
export const commitSpec: PrimSpec<CommitPrim> = {
  kind: "commit",
  cost: (p) => commitmentConstraints(p.role, p.tensors),
  evaluate: (p, vals) => [
    commitment(
      p.role,
      p.tensors.map((t) => ({ ...t, values: vals[t.id] ?? bug(`no values of committed tensor ${t.id}`) })),
    ),
  ],
  circom(p, s, env, templates) {
    // circom takes includes before any definition, and the emitter writes `templates` right after its
    // own include: first in the list, this line lands among the includes.
    const include = 'include "circomlib/poseidon.circom";';
    if (!templates.includes(include)) templates.unshift(include);
    const items = sequenceLayout(p.role, p.tensors);
    const n = blockCount(items.length);
    const c = `c_${s}`;
    const slot = (at: number) => `${c}[${Math.floor(at / BLOCK)}].inputs[${(at % BLOCK) + 1}]`;
    const lines = [
      `// ${COMMIT_SCHEME} Poseidon commitment (docs/COMMITMENT.md) of ${p.tensors.length} ${p.role} tensor(s):`,
      `// ${items.length} elements (tag, count, headers, packed values) in ${n} Poseidon(16) blocks, ${commitSpec.cost(p, 1)} constraints.`,
      "// Packing is injective only because every value is range-checked to [lo, lo + 2^bits) upstream.",
      `component ${c}[${n}];`,
      `for (var j = 0; j < ${n}; j++) ${c}[j] = Poseidon(16);`,
      `${c}[0].inputs[0] <== 0;`,
    ];
    lines.push(`var e_${s};`);
    items.forEach((it, at) => {
      if (it.kind === "const") lines.push(`${slot(at)} <== ${signedField(it.value)}; // ${it.what}`);
    });
    p.tensors.forEach((t, ti) => {
      const first = items.findIndex((it) => it.kind === "packed" && it.tensor === ti);
      if (first < 0) return;
      const x = env.name(t.id);
      const k = packingFactor(t.bits);
      const size = sized(t, env.tensor(t.id).lo.length);
      const count = Math.ceil(size / k);
      lines.push(
        `// ${x}: ${size} values v, (v - (${t.lo})) in ${t.bits} bits, ${k} per element at S[${first}..${first + count - 1}]`,
        `for (var m = 0; m < ${count}; m++) {`,
        `${I}e_${s} = 0;`,
        // (circom's grammar takes no bare `if` as a loop body: the bound goes into the condition)
        `${I}for (var i = 0; i < ${k} && m * ${k} + i < ${size}; i++) e_${s} += (${x}[m * ${k} + i] - (${t.lo})) * 2 ** (${t.bits} * i);`,
        `${I}${c}[(${first} + m) \\ ${BLOCK}].inputs[(${first} + m) % ${BLOCK} + 1] <== e_${s};`,
        "}",
      );
    });
    const used = items.length - (n - 1) * BLOCK;
    if (used < BLOCK)
      lines.push(
        `for (var i = ${used + 1}; i <= ${BLOCK}; i++) ${c}[${n - 1}].inputs[i] <== 0; // zero padding`,
      );
    // Chained last: circom reads a component's output only once every one of its inputs is assigned.
    if (n > 1) lines.push(`for (var j = 1; j < ${n}; j++) ${c}[j].inputs[0] <== ${c}[j - 1].out;`);
    lines.push(`${s}[0] <== ${c}[${n - 1}].out;`);
    return lines;
  },
  build(p, s, cs) {
    const items = sequenceLayout(p.role, p.tensors);
    for (const t of p.tensors)
      if (cs.constant(t.id)?.some((v) => v !== undefined))
        bug(`a committed tensor (${t.id}) has constant elements; commit signals only`);
    const A = algebra(cs);
    const ZERO: Sig = { lin: Lin.ZERO, v: 0n, c: true };
    const c = () => `main.c_${s}`;
    let h = ZERO;
    for (let j = 0; j < blockCount(items.length); j++) {
      const block = Array.from({ length: BLOCK }, (_, i) => element(p, cs, items[j * BLOCK + i]));
      const inputs = [h, ...block];
      inputs.forEach((x, i) => {
        A.name?.(() => `${c()}[${j}].inputs[${i}]`, x);
      });
      h = permute(A, inputs, ZERO, 1, () => `${c()}[${j}].pEx`)[0] as Sig;
      A.name?.(() => `${c()}[${j}].out`, h);
    }
    cs.out(p.out, 0, h.lin);
  },
};

/** A committed tensor's size, which must be its shape's: the header (and the layout) count by the shape. */
function sized(t: CommitTensorRef, size: number): number {
  if (size !== elementCount(t.shape))
    bug(
      `committed tensor ${t.id} has ${size} elements, its commitment shape [${t.shape}] ${elementCount(t.shape)}`,
    );
  return size;
}

/** A constant in Circom text: small negatives as such (p − 5 as −5), others as written. */
function signedField(v: bigint): string {
  const x = mod(v);
  return x > mod(-1n) / 2n ? `-${mod(-x)}` : `${x}`;
}

/**
 * A signal of the direct build: its combination of wires (Lin.ZERO where the build is lean), its value
 * (outside "rows" mode, and always for constants) and whether it is a compile-time constant.
 */
interface Sig {
  lin: Lin;
  v: bigint;
  c: boolean;
}

/** Sequence element `it` (padding: undefined) as a Sig: a constant, or a packed combination. */
function element(p: CommitPrim, cs: Cs, it: SequenceItem | undefined): Sig {
  if (!it) return { lin: Lin.ZERO, v: 0n, c: true };
  if (it.kind === "const") return { lin: Lin.constant(mod(it.value)), v: mod(it.value), c: true };
  const t = p.tensors[it.tensor] ?? bug("commit tensor index");
  const k = packingFactor(t.bits);
  const n = sized(t, cs.size(t.id));
  const from = it.m * k;
  const to = Math.min(n, from + k);
  let v = 0n;
  if (cs.mode !== "rows")
    for (let j = to - 1; j >= from; j--) v = (v << BigInt(t.bits)) + (cs.val(t.id, j) - t.lo);
  if (cs.lean) return { lin: Lin.ZERO, v: mod(v), c: false };
  const terms: [bigint, Lin][] = [];
  let k0 = 0n;
  for (let j = from; j < to; j++) {
    const w = pow2(t.bits * (j - from));
    terms.push([w, cs.lin(t.id, j)]);
    k0 -= w * t.lo;
  }
  return { lin: canon(terms, k0), v: mod(v), c: false };
}

/** Σ c·x + k with duplicate wires merged and coefficients reduced mod p (Poseidon's rows stay small). */
function canon(terms: readonly (readonly [bigint, Lin])[], k = 0n): Lin {
  const acc = new Map<number, bigint>();
  let kk = k;
  for (const [c, x] of terms) {
    if (c === 0n) continue;
    kk += c * x.k;
    for (let t = 0; t < x.wires.length; t++) {
      const w = x.wires[t] as number;
      acc.set(w, (acc.get(w) ?? 0n) + c * (x.coefs[t] as bigint));
    }
  }
  const wires: number[] = [];
  const coefs: bigint[] = [];
  for (const [w, c] of acc) {
    const m = mod(c);
    if (m === 0n) continue;
    wires.push(w);
    coefs.push(m);
  }
  return new Lin(wires, coefs, mod(kk));
}

/**
 * Poseidon over the direct backend's signals: linear layers are combinations (what --O2 substitutes), a
 * Sigma of a non-constant is three wires in², in⁴, out and three constraints, a Sigma of a constant is
 * a constant (--O2 folds it). Every signal of the template is named as circom's .sym names it.
 */
function algebra(cs: Cs): PoseidonAlgebra<Sig> {
  const values = cs.mode !== "rows";
  const A: PoseidonAlgebra<Sig> = {
    lin(terms, k = 0n) {
      const c = terms.every(([co, x]) => co === 0n || x.c);
      let v = 0n;
      if (values || c) {
        v = k;
        for (const [co, x] of terms) v += co * x.v;
        v = mod(v);
      }
      if (c) return { lin: Lin.constant(v), v, c };
      return {
        lin: cs.lean
          ? Lin.ZERO
          : canon(
              terms.map(([co, x]) => [co, x.lin] as const),
              k,
            ),
        v,
        c,
      };
    },
    sigma(x, path) {
      const v2 = mod(x.v * x.v);
      const v4 = mod(v2 * v2);
      const v5 = mod(v4 * x.v);
      if (x.c) {
        for (const [part, v] of [
          ["in", x.v],
          ["in2", v2],
          ["in4", v4],
          ["out", v5],
        ] as const)
          cs.named(() => `${path()}.${part}`, Lin.constant(v));
        return { lin: Lin.constant(v5), v: v5, c: true };
      }
      cs.named(() => `${path()}.in`, x.lin);
      const in2 = cs.wire(
        () => `${path()}.in2`,
        () => v2,
      );
      const in4 = cs.wire(
        () => `${path()}.in4`,
        () => v4,
      );
      const out = cs.wire(
        () => `${path()}.out`,
        () => v5,
      );
      cs.constrain(x.lin, x.lin, in2);
      cs.constrain(in2, in2, in4);
      cs.constrain(in4, x.lin, out);
      return { lin: out, v: v5, c: false };
    },
  };
  if (cs.mode !== "values") A.name = (path, x) => cs.named(path, x.lin);
  return A;
}

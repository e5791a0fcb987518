import { bug } from "../../errors.js";
import type { MaxPrim, QTensor } from "../ir.js";
import type { LowerCtx } from "../lower.js";
import { bitsSigned } from "../rounding.js";
import { boolean, pow2, weighted } from "./bits.js";
import { INDENT as I, varArray } from "./circom-text.js";
import { Lin } from "./lin.js";
import type { Cs, EmitEnv, PrimSpec } from "./spec.js";

/**
 * out[i] = max of the elements rows[i] of the concatenation of `ins` (all at one scale). Each of the
 * k−1 comparisons costs its difference's width + 1 constraints (circuits/max.circom). max is
 * 1-Lipschitz, so the error bound is the largest input error.
 */
export function max(
  ctx: LowerCtx,
  ins: QTensor[],
  rows: Int32Array[],
  shape: number[],
  onnxName = ctx.node.outputs[0] ?? "",
): QTensor {
  const scale = ins[0]?.scale ?? ctx.workScale;
  if (ins.some((q) => q.scale !== scale)) ctx.error("bug", "max inputs must share a scale");
  const src: { q: QTensor; j: number }[] = [];
  for (const q of ins) for (let j = 0; j < q.lo.length; j++) src.push({ q, j });
  const at = (t: number) => src[t] ?? ctx.error("bug", "max index out of range");
  const lo: bigint[] = [];
  const hi: bigint[] = [];
  const err = new Float64Array(rows.length);
  const bits = rows.map((row, i) => {
    if (row.length === 0) ctx.error("bug", "max over no elements");
    const first = at(row[0] as number);
    let l = first.q.lo[first.j] as bigint;
    let h = first.q.hi[first.j] as bigint;
    let e = first.q.err[first.j] as number;
    const widths: number[] = [];
    for (let t = 1; t < row.length; t++) {
      const s = at(row[t] as number);
      const sl = s.q.lo[s.j] as bigint;
      const sh = s.q.hi[s.j] as bigint;
      widths.push(Math.max(2, bitsSigned(l - sh, h - sl)));
      l = sl > l ? sl : l;
      h = sh > h ? sh : h;
      e = Math.max(e, s.q.err[s.j] as number);
    }
    lo.push(l);
    hi.push(h);
    err[i] = e;
    return widths;
  });
  const prim: Omit<MaxPrim, "out"> = { kind: "max", ins: ins.map((q) => q.id), rows, bits };
  return ctx.addPrim(prim, { onnxName, shape, scale, lo, hi, err });
}

/** Rows grouped by length, as the Circom text declares them (a component array per group). */
function groups(p: MaxPrim): { tag: (s: string) => string; len: number; outs: number[] }[] {
  const byLen = new Map<number, number[]>();
  p.rows.forEach((r, i) => {
    byLen.set(r.length, [...(byLen.get(r.length) ?? []), i]);
  });
  return [...byLen.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([len, outs], g) => ({ tag: (s: string) => `${s}_${g}`, len, outs }));
}

/**
 * out[i] = max over row i: a chain of Max2(N) (circuits/max.circom), N + 1 constraints each; a row of
 * one element is a copy (free).
 */
export const maxSpec: PrimSpec<MaxPrim> = {
  kind: "max",
  cost: (p) => p.bits.reduce((s, row) => row.reduce((t, b) => t + b + 1, s), 0),
  evaluate(p, vals) {
    const x = p.ins.flatMap((id) => vals[id] as bigint[]);
    return p.rows.map((row) => Array.from(row, (t) => x[t] as bigint).reduce((m, v) => (v > m ? v : m)));
  },
  circom(p, s, env) {
    const { src, lines } = concatenated(p.ins, s, env);
    lines.unshift("// maximum over each row: a chain of Max2 comparisons (width + 1 constraints each)");
    for (const { tag: tagOf, len, outs } of groups(p)) {
      const tag = tagOf(s);
      if (len === 1) {
        lines.push(
          varArray(`O_${tag}`, outs),
          varArray(
            `I_${tag}`,
            outs.map((i) => p.rows[i]?.[0] ?? 0),
          ),
        );
        lines.push(`for (var i = 0; i < ${outs.length}; i++) ${s}[O_${tag}[i]] <== ${src}[I_${tag}[i]];`);
        continue;
      }
      const idx = outs.map((i) => `[${Array.from(p.rows[i] ?? []).join(", ")}]`);
      const bits = outs.map((i) => `[${(p.bits[i] ?? []).join(", ")}]`);
      lines.push(
        varArray(`O_${tag}`, outs),
        `var I_${tag}[${outs.length}][${len}] = [${idx.join(", ")}];`,
        `var N_${tag}[${outs.length}][${len - 1}] = [${bits.join(", ")}];`,
        `component c_${tag}[${outs.length}][${len - 1}];`,
        `for (var i = 0; i < ${outs.length}; i++) {`,
        `${I}var m = ${src}[I_${tag}[i][0]];`,
        `${I}for (var t = 1; t < ${len}; t++) {`,
        `${I}${I}c_${tag}[i][t - 1] = Max2(N_${tag}[i][t - 1]);`,
        `${I}${I}c_${tag}[i][t - 1].a <== m;`,
        `${I}${I}c_${tag}[i][t - 1].b <== ${src}[I_${tag}[i][t]];`,
        `${I}${I}m = c_${tag}[i][t - 1].out;`,
        `${I}}`,
        `${I}${s}[O_${tag}[i]] <== m;`,
        "}",
      );
    }
    return lines;
  },
  build(p, s, cs) {
    const src: { id: number; j: number }[] = [];
    for (const id of p.ins) for (let j = 0; j < cs.size(id); j++) src.push({ id, j });
    const at = (t: number) => src[t] ?? bug("max index out of range");
    for (const { tag: tagOf, len, outs } of groups(p)) {
      const tag = tagOf(s);
      outs.forEach((o, i) => {
        const row = p.rows[o] ?? bug("max row out of range");
        const first = at(row[0] as number);
        let m = cs.lin(first.id, first.j);
        let mv = () => cs.val(first.id, first.j);
        for (let t = 1; t < len; t++) {
          const b = at(row[t] as number);
          const N = p.bits[o]?.[t - 1] ?? bug("max width missing");
          const c = () => `main.c_${tag}[${i}][${t - 1}]`;
          const av = mv;
          const bv = () => cs.val(b.id, b.j);
          const out = max2(cs, c, N, m, cs.lin(b.id, b.j), av, bv);
          m = out;
          let memo: bigint | undefined;
          mv = () => {
            memo ??= av() > bv() ? av() : bv();
            return memo;
          };
        }
        cs.out(p.out, o, m);
      });
    }
  },
};

/**
 * Max2(N) (circuits/max.circom): D = a − b + 2^(N−1) = low + S, low = Σ_(k<N−1) bits[k]·2^k, S·(S −
 * 2^(N−1)) = 0, S·(a − b) = (out − b)·2^(N−1). No linear constraint, so every hint is a wire.
 */
function max2(cs: Cs, c: () => string, N: number, a: Lin, b: Lin, av: () => bigint, bv: () => bigint): Lin {
  cs.named(() => `${c()}.a`, a);
  cs.named(() => `${c()}.b`, b);
  const D = () => av() - bv() + pow2(N - 1);
  const bits: Lin[] = [];
  for (let k = 0; k < N - 1; k++)
    bits.push(
      cs.wire(
        () => `${c()}.bits[${k}]`,
        () => (D() >> BigInt(k)) & 1n,
      ),
    );
  const out = cs.wire(
    () => `${c()}.out`,
    () => (av() >= bv() ? av() : bv()),
  );
  if (cs.lean) return out;
  for (const bit of bits) boolean(cs, bit);
  const S = a
    .minus(b)
    .add(pow2(N - 1))
    .minus(weighted(bits, 0, N - 1));
  cs.constrain(S, S.add(-pow2(N - 1)), Lin.ZERO);
  cs.constrain(S, a.minus(b), out.minus(b).times(pow2(N - 1)));
  return out;
}

/** Several inputs are first wired into one array so the comparisons can index them. */
function concatenated(ins: number[], s: string, env: EmitEnv): { src: string; lines: string[] } {
  if (ins.length === 1) return { src: env.name(ins[0] as number), lines: [] };
  const total = ins.reduce((a, id) => a + env.tensor(id).lo.length, 0);
  const lines = [`signal cat_${s}[${total}];`];
  let off = 0;
  for (const id of ins) {
    const n = env.tensor(id).lo.length;
    lines.push(`for (var i = 0; i < ${n}; i++) cat_${s}[${off} + i] <== ${env.name(id)}[i];`);
    off += n;
  }
  return { src: `cat_${s}`, lines };
}

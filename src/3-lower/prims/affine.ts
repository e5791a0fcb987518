import { bug } from "../../errors.js";
import type { AffinePrim } from "../ir.js";
import { Lin } from "./lin.js";
import type { EmitEnv, PrimSpec } from "./spec.js";

const I = "    ";

/**
 * Longest linear combination written in one Circom expression: circom recurses per term (a 785-term sum
 * overflowed its stack). Chunks accumulated in a var compiled 3x faster than a weight matrix and a loop.
 */
const MAX_TERMS_PER_LINE = 32;

/**
 * Terms of one affine map written in the Model template itself. circom compiles each template to one
 * wasm function and V8 refuses functions over 7,654,321 bytes (about 230k terms: LeNet-5's second
 * convolution alone has 240k), so larger maps go in block templates of at most this many terms each.
 */
const MAX_TERMS_PER_TEMPLATE = 50_000;

/** The input element behind concatenated index t of an affine map's inputs. */
function sources(p: AffinePrim, size: (id: number) => number): { id: number; j: number }[] {
  const out: { id: number; j: number }[] = [];
  for (const id of p.ins) for (let j = 0; j < size(id); j++) out.push({ id, j });
  return out;
}

/**
 * out[i] = bias[i] + Σ_t coef[t]·x[idx[t]]: constant coefficients, so no constraint and no signal of its
 * own under --O2; the direct backend never makes one (its elements are combinations, computed when read).
 */
export const affine: PrimSpec<AffinePrim> = {
  kind: "affine",
  cost: () => 0,
  evaluate(p, vals) {
    const x = p.ins.flatMap((id) => vals[id] ?? bug(`tensor ${id} used before it is computed`));
    return p.rows.map((row, i) => {
      let acc = p.bias[i] as bigint;
      for (let t = 0; t < row.idx.length; t++)
        acc += (row.coef[t] as bigint) * (x[row.idx[t] as number] as bigint);
      return acc;
    });
  },
  circom(p, s, env, templates) {
    const total = p.rows.reduce((a, r) => a + r.idx.length, 0);
    if (total <= MAX_TERMS_PER_TEMPLATE) {
      const src = sources(p, (id) => env.tensor(id).lo.length).map(({ id, j }) => `${env.name(id)}[${j}]`);
      return p.rows.flatMap((row, i) => circomRow(row, p.bias[i] as bigint, `${s}[${i}]`, src));
    }
    return blocks(p, s, env, templates, total);
  },
  build(p, _s, cs) {
    const src = sources(p, (id) => cs.size(id));
    cs.outLazy(p.out, (i) => {
      const row = p.rows[i] ?? bug(`affine row ${i} out of range`);
      const terms: [bigint, Lin][] = [];
      for (let t = 0; t < row.idx.length; t++) {
        const at = src[row.idx[t] as number] ?? bug("affine source out of range");
        terms.push([row.coef[t] as bigint, cs.lin(at.id, at.j)]);
      }
      return Lin.sum(terms, p.bias[i] as bigint);
    });
  },
};

/** Large maps in block templates, each at most MAX_TERMS_PER_TEMPLATE terms (see above). */
function blocks(p: AffinePrim, s: string, env: EmitEnv, templates: string[], total: number): string[] {
  const width = p.ins.reduce((a, id) => a + env.tensor(id).lo.length, 0);
  const x = Array.from({ length: width }, (_, j) => `x[${j}]`);
  const lines: string[] = [`// ${total} terms: rows in block templates (wasm function size limit)`];
  let start = 0;
  let block = 0;
  while (start < p.rows.length) {
    let end = start;
    let terms = 0;
    while (
      end < p.rows.length &&
      (end === start || terms + (p.rows[end]?.idx.length ?? 0) <= MAX_TERMS_PER_TEMPLATE)
    )
      terms += p.rows[end++]?.idx.length ?? 0;
    const t = `Block_${s}_${block}`;
    templates.push(
      `// rows ${start}..${end - 1} of ${s}`,
      `template ${t}() {`,
      `${I}signal input x[${width}];`,
      `${I}signal output out[${end - start}];`,
      ...p.rows
        .slice(start, end)
        .flatMap((row, k) => circomRow(row, p.bias[start + k] as bigint, `out[${k}]`, x))
        .map((l) => I + l),
      "}",
      "",
    );
    const c = `b_${s}_${block}`;
    lines.push(`component ${c} = ${t}();`);
    let off = 0;
    for (const id of p.ins) {
      const n = env.tensor(id).lo.length;
      lines.push(`for (var i = 0; i < ${n}; i++) ${c}.x[${off} + i] <== ${env.name(id)}[i];`);
      off += n;
    }
    lines.push(`for (var i = 0; i < ${end - start}; i++) ${s}[${start} + i] <== ${c}.out[i];`);
    start = end;
    block++;
  }
  return lines;
}

/** One output of an affine map; long sums are accumulated in chunks. */
function circomRow(row: AffinePrim["rows"][number], bias: bigint, target: string, src: string[]): string[] {
  const terms: string[] = [];
  if (bias !== 0n) terms.push(bias.toString());
  for (let t = 0; t < row.idx.length; t++) {
    const c = row.coef[t] as bigint;
    if (c === 0n) continue;
    const v = src[row.idx[t] as number] ?? bug("affine source out of range");
    terms.push(c === 1n ? v : c === -1n ? `-${v}` : `${c}*${v}`);
  }
  const sum = (ts: string[]) => (ts.length === 0 ? "0" : ts.join(" + ").replaceAll("+ -", "- "));
  if (terms.length <= MAX_TERMS_PER_LINE) return [`${target} <== ${sum(terms)};`];
  const lines = ["{", `${I}var acc = 0;`];
  for (let k = 0; k < terms.length; k += MAX_TERMS_PER_LINE)
    lines.push(`${I}acc += ${sum(terms.slice(k, k + MAX_TERMS_PER_LINE))};`);
  return [...lines, `${I}${target} <== acc;`, "}"];
}

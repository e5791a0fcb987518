import type { LowerCtx, Value } from "../lower.js";
import { contract } from "./lib/contract.js";
import { operand } from "./matmul.js";
import type { OpSpec } from "./op.js";

/**
 * Einsum: any equation over one or more operands, explicit ("ij,jk->ik") or implicit ("i,i"), with
 * ellipses ("...ii->...i") and repeated subscripts (diagonals), lowered as a contraction (contract.ts):
 * transposes, diagonals and sums are free; a signal × constant pair is free (scale + param scale); a
 * signal × signal pair costs one constraint per distinct product (scale s_a + s_b, factors above the
 * working scale rescaled first). Three or more operands contract left to right.
 */
export const einsum: OpSpec = {
  opType: "Einsum",
  summary: "explicit/implicit equations, ellipsis, diagonals; products of signals 1 constraint each",
  lower(ctx: LowerCtx): Value[] {
    const a = ctx.node.attrs.get("equation");
    if (a?.type !== "string") ctx.error("bad-attribute", "attribute equation (a string) is required");
    const ranks = Array.from({ length: ctx.inputCount }, (_, i) => ctx.shapeOf(i).length);
    const { inputs, output } = parseEquation(ctx, a.value, ranks);
    const operands = inputs.map((labels, i) => ({ v: operand(ctx, i), labels }));
    return [contract(ctx, operands, output)];
  },
};

/** Subscripts per operand and for the output; ellipsis dimensions get labels ".0", ".1"... (right-aligned). */
export function parseEquation(
  ctx: LowerCtx,
  equation: string,
  ranks: number[],
): { inputs: string[][]; output: string[] } {
  const eq = equation.replace(/\s+/g, "");
  const bad = (why: string): never => ctx.error("bad-attribute", `equation "${equation}": ${why}`);
  const [lhs = "", rhs, extra] = eq.split("->");
  if (extra !== undefined) bad('more than one "->"');
  const terms = lhs.split(",");
  if (terms.length !== ranks.length) bad(`${terms.length} operand subscripts for ${ranks.length} inputs`);
  const tokens = (t: string): string[] => {
    const out: string[] = [];
    for (let i = 0; i < t.length; ) {
      if (t.startsWith("...", i)) {
        out.push("...");
        i += 3;
      } else if (/[a-zA-Z]/.test(t[i] as string)) {
        out.push(t[i] as string);
        i++;
      } else bad(`unexpected character "${t[i]}"`);
    }
    if (out.filter((x) => x === "...").length > 1) bad("more than one ellipsis in a term");
    return out;
  };
  const parsed = terms.map(tokens);
  const ell = parsed.map((p, i) => {
    const letters = p.filter((x) => x !== "...").length;
    const n = (ranks[i] as number) - letters;
    if (n < 0 || (n > 0 && !p.includes("...")))
      ctx.error(
        "bad-shape",
        `equation "${equation}": operand ${i} has rank ${ranks[i]}, subscripts "${terms[i]}"`,
      );
    return n;
  });
  const E = Math.max(0, ...ell);
  const ellLabels = (n: number) => Array.from({ length: n }, (_, d) => `.${E - n + d}`);
  const inputs = parsed.map((p, i) => p.flatMap((x) => (x === "..." ? ellLabels(ell[i] as number) : [x])));
  let output: string[];
  if (rhs === undefined) {
    const count = new Map<string, number>();
    for (const p of parsed) for (const x of p) if (x !== "...") count.set(x, (count.get(x) ?? 0) + 1);
    const once = [...count].filter(([, c]) => c === 1).map(([l]) => l);
    output = [...ellLabels(E), ...once.sort()];
  } else {
    const o = tokens(rhs);
    output = o.flatMap((x) => (x === "..." ? ellLabels(E) : [x]));
    const known = new Set(inputs.flat());
    for (const l of output) if (!known.has(l)) bad(`output subscript "${l}" is not in any input`);
    if (new Set(output).size !== output.length) bad("an output subscript is repeated");
  }
  return { inputs, output };
}

import type { AffinePrim, QTensor } from "../../ir.js";
import type { LowerCtx, Value } from "../../lower.js";
import { cmp } from "../../prims/cmp.js";
import { quantizeNumber } from "../../quantize-value.js";
import { broadcastIndex } from "./broadcast.js";
import { broadcastAll, shapeOfValue } from "./elementwise.js";

/** p = q ("eq"), p > q ("gt") or p >= q ("ge"). */
export type Relation = "eq" | "gt" | "ge";

/**
 * A comparison of inputs 0 and 1 (swapped: 1 and 0) with numpy broadcasting, as 0/1 at scale 0.
 * Both operands are integers at the finest signal scale S (aligning is free), and d is one affine map:
 * p − q for "eq" and "ge", p − q − 1 for "gt" (p > q ⟺ p − q − 1 >= 0 on integers). A constant c
 * compares exactly with the integer signal X: X > c·2^S ⟺ X >= ⌊c·2^S⌋ + 1, X >= c·2^S ⟺ X >= ⌈c·2^S⌉
 * (and the mirrored forms when the constant is on the left); X = c·2^S rounds c·2^S, which is inexact
 * (error 1) when c is off the grid. Then the cmp prim: [d = 0] (IsZero, 2 constraints) or [d >= 0]
 * (IsNonNeg, d's width).
 */
export function compare(ctx: LowerCtx, rel: Relation, swap: boolean): Value[] {
  const [ip, iq] = swap ? [1, 0] : [0, 1];
  const vp = operand(ctx, ip);
  const vq = operand(ctx, iq);
  const shape = broadcastAll(ctx, [shapeOfValue(vp), shapeOfValue(vq)]);
  const n = shape.reduce((a, b) => a * b, 1);
  const signals = [vp, vq].flatMap((v) => (v.kind === "signal" ? [v.q] : []));
  if (signals.length === 0) ctx.error("bug", "a comparison of two constants (it should have been folded)");
  const S = Math.max(...signals.map((q) => q.scale));
  const ins: QTensor[] = [];
  const offset = new Map<number, number>();
  for (const q of signals) {
    if (offset.has(q.id)) continue;
    offset.set(
      q.id,
      ins.reduce((s, t) => s + t.lo.length, 0),
    );
    ins.push(q);
  }
  const acc = Array.from({ length: n }, () => new Map<number, bigint>());
  const bias = new Array<bigint>(n).fill(
    rel === "gt" && vp.kind === "signal" && vq.kind === "signal" ? -1n : 0n,
  );
  const extraErr = new Float64Array(n);
  for (const [v, sign] of [
    [vp, 1n],
    [vq, -1n],
  ] as const) {
    const src = broadcastIndex(shape, shapeOfValue(v));
    if (v.kind === "signal") {
      const base = offset.get(v.q.id) as number;
      const c = sign << BigInt(S - v.q.scale);
      src.forEach((j, i) => {
        const row = acc[i] as Map<number, bigint>;
        row.set(base + j, (row.get(base + j) ?? 0n) + c);
      });
      continue;
    }
    src.forEach((j, i) => {
      const value = (v.t.data[j] as number) * 2 ** S;
      if (!Number.isFinite(value))
        ctx.error("non-finite", `the constant operand holds ${v.t.data[j]}`, "compare with a finite value");
      const { b, e } = constantTerm(rel, sign === 1n, value);
      bias[i] = (bias[i] as bigint) + b;
      extraErr[i] = e / 2 ** S;
    });
  }
  const rows: AffinePrim["rows"] = acc.map((m) => {
    const t = [...m].filter(([, c]) => c !== 0n);
    return { idx: Int32Array.from(t, ([j]) => j), coef: t.map(([, c]) => c) };
  });
  const name = ctx.node.outputs[0] ?? "";
  // Identical operands (x vs x): every d is a constant, and so is the answer.
  if (rows.every((r) => r.idx.length === 0)) {
    const data = Float64Array.from(bias, (d) => ((rel === "eq" ? d === 0n : d >= 0n) ? 1 : 0));
    return [{ kind: "const", t: { dtype: "bool", shape, data } }];
  }
  const d = ctx.affine(`${name}/diff`, shape, ins, rows, bias, S, extraErr);
  return [{ kind: "signal", q: cmp(ctx, d, rel === "eq" ? "zero" : "nonneg", shape, name) }];
}

/**
 * The bias a constant contributes to d (value v = c·2^S; left: the constant is p, else q) and the error
 * of that term: exact for the inequalities (floor/ceil), rounded for equality.
 */
function constantTerm(rel: Relation, left: boolean, v: number): { b: bigint; e: number } {
  const floor = BigInt(Math.floor(v));
  const ceil = BigInt(Math.ceil(v));
  if (rel === "eq") {
    const r = quantizeNumber(v, 0);
    return { b: left ? r : -r, e: Math.abs(Number(r) - v) };
  }
  // p > q: q = c → X − (⌊v⌋ + 1); p = c → (⌈v⌉ − 1) − X.  p >= q: q = c → X − ⌈v⌉; p = c → ⌊v⌋ − X.
  if (rel === "gt") return { b: left ? ceil - 1n : -(floor + 1n), e: 0 };
  return { b: left ? floor : -ceil, e: 0 };
}

/** Input i as a value; a signal wider than the linear limit comes back rescaled (ctx.signal). */
function operand(ctx: LowerCtx, i: number): Value {
  const v = ctx.required(i);
  return v.kind === "signal" ? { kind: "signal", q: ctx.signal(i) } : v;
}

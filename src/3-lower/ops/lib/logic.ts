import type { AffinePrim, QTensor } from "../../ir.js";
import type { LowerCtx, Value } from "../../lower.js";
import { mul } from "../../prims/mul.js";
import { broadcastIndex } from "./broadcast.js";
import { broadcastAll, mapConst, shapeOfValue } from "./elementwise.js";

/**
 * Input i as a boolean operand: a constant (non-zero is true), or a signal proven 0/1 by its bounds
 * (scale 0, every element within [0, 1]); anything else is an error, since the logic formulas below are
 * only sound on 0/1 values.
 */
export function booleanOperand(ctx: LowerCtx, i: number): Value {
  const v = ctx.required(i);
  if (v.kind === "const") return { kind: "const", t: mapConst(v.t, (x) => (x !== 0 ? 1 : 0)) };
  const q = ctx.signal(i);
  const lo = q.lo.reduce((a, b) => (b < a ? b : a), 0n);
  const hi = q.hi.reduce((a, b) => (b > a ? b : a), 0n);
  if (q.scale !== 0 || lo < 0n || hi > 1n) {
    ctx.error(
      "unsupported-op",
      `input ${i} ("${q.onnxName}") is not proven boolean: its integers lie in [${lo}, ${hi}] at scale 2^${q.scale}, not within [0, 1] at scale 2^0`,
      "comparisons and logic ops give proven 0/1 values; a bool graph input needs the calibrated range [0, 1] (--input-range 0,1 or calibration data)",
    );
  }
  return { kind: "signal", q };
}

export type LogicOp = "and" | "or" | "xor";

const TRUTH: Record<LogicOp, (a: number, b: number) => number> = {
  and: (a, b) => a & b,
  or: (a, b) => a | b,
  xor: (a, b) => a ^ b,
};

/**
 * And / Or / Xor of two boolean operands with numpy broadcasting, 0/1 at scale 0. Two signals: one
 * product p = a·b per element (1 constraint), then And = p, Or = a + b − p, Xor = a + b − 2p (free).
 * With a constant c the op is affine in the signal (c ? x : 0, c ? 1 : x, c ? 1 − x : x): free. Error:
 * 1 where an operand carries error, else 0.
 */
export function binaryLogic(ctx: LowerCtx, op: LogicOp): Value[] {
  const va = booleanOperand(ctx, 0);
  const vb = booleanOperand(ctx, 1);
  const shape = broadcastAll(ctx, [shapeOfValue(va), shapeOfValue(vb)]);
  const n = shape.reduce((x, y) => x * y, 1);
  const name = ctx.node.outputs[0] ?? "";
  const ia = broadcastIndex(shape, shapeOfValue(va));
  const ib = broadcastIndex(shape, shapeOfValue(vb));
  let out: QTensor;
  if (va.kind === "signal" && vb.kind === "signal") {
    const a = va.q;
    const b = vb.q;
    const p = mul(ctx, a, ia, b, ib, shape, op === "and" ? name : `${name}/and`);
    if (op === "and") out = p;
    else {
      const ins = a.id === b.id ? [a, p] : [a, b, p];
      const bOff = a.id === b.id ? 0 : a.lo.length;
      const pOff = bOff + (a.id === b.id ? a.lo.length : b.lo.length);
      const rows: AffinePrim["rows"] = Array.from({ length: n }, (_, i) => {
        const m = new Map<number, bigint>();
        m.set(ia[i] as number, 1n);
        m.set(bOff + (ib[i] as number), (m.get(bOff + (ib[i] as number)) ?? 0n) + 1n);
        m.set(pOff + i, op === "or" ? -1n : -2n);
        const t = [...m].filter(([, c]) => c !== 0n);
        return { idx: Int32Array.from(t, ([j]) => j), coef: t.map(([, c]) => c) };
      });
      out = ctx.affine(name, shape, ins, rows, new Array<bigint>(n).fill(0n), 0);
    }
    // Proven bounds: the truth table over the operands' possible values (interval arithmetic is looser).
    for (let i = 0; i < n; i++) {
      const vals = pairs(a, ia[i] as number, b, ib[i] as number).map(([x, y]) => TRUTH[op](x, y));
      out.lo[i] = BigInt(Math.min(...vals));
      out.hi[i] = BigInt(Math.max(...vals));
      out.err[i] = (a.err[ia[i] as number] as number) > 0 || (b.err[ib[i] as number] as number) > 0 ? 1 : 0;
    }
    return [{ kind: "signal", q: out }];
  }
  const [x, ix, c, ic] = va.kind === "signal" ? [va.q, ia, vb, ib] : [(vb as { q: QTensor }).q, ib, va, ia];
  if (c.kind !== "const") return ctx.error("bug", "expected a constant operand");
  const rows: AffinePrim["rows"] = [];
  const bias: bigint[] = [];
  for (let i = 0; i < n; i++) {
    const cv = c.t.data[ic[i] as number] === 1;
    const j = ix[i] as number;
    // and: c ? x : 0; or: c ? 1 : x; xor: c ? 1 − x : x
    const keep = op === "and" ? cv : op === "or" ? !cv : true;
    const coef = op === "xor" && cv ? -1n : 1n;
    rows.push(keep ? { idx: Int32Array.of(j), coef: [coef] } : { idx: new Int32Array(0), coef: [] });
    bias.push((op === "or" && cv) || (op === "xor" && cv) ? 1n : 0n);
  }
  if (rows.every((r) => r.idx.length === 0)) {
    return [{ kind: "const", t: { dtype: "bool", shape, data: Float64Array.from(bias, Number) } }];
  }
  return [{ kind: "signal", q: ctx.affine(name, shape, [x], rows, bias, 0) }];
}

/** The (a, b) value pairs elements a[j], b[k] can take (each within [0, 1]). */
function pairs(a: QTensor, j: number, b: QTensor, k: number): [number, number][] {
  const out: [number, number][] = [];
  for (let x = Number(a.lo[j]); x <= Number(a.hi[j]); x++)
    for (let y = Number(b.lo[k]); y <= Number(b.hi[k]); y++)
      if (a.id !== b.id || j !== k || x === y) out.push([x, y]);
  return out;
}

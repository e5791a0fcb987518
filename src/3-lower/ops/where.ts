import type { AffinePrim, QTensor } from "../ir.js";
import { LowerCtx, type Value } from "../lower.js";
import { mul } from "../prims/mul.js";
import { broadcastIndex } from "./lib/broadcast.js";
import { broadcastAll, exactScale, shapeOfValue } from "./lib/elementwise.js";
import { booleanOperand } from "./lib/logic.js";
import type { OpSpec } from "./op.js";

/** One operand element at the output scale: a signal element (tensor, index, coefficient) or an integer. */
type Elem = { q: QTensor; j: number; c: bigint } | { k: bigint; e: number };

/**
 * Where(c, x, y) with numpy broadcasting: out = y + c·(x − y). A constant condition selects per element
 * (free); a signal condition (proven 0/1) costs one product c·(x − y) per element where x or y is a
 * signal, and nothing where both are constants (then out is affine in c). Scale: the finest signal scale
 * of x and y (constants quantized there), or the smallest exact scale up to the working scale when both
 * are constants. Bounds: within those of x and y. Error: the larger of x's and y's, plus |x − y| where
 * the condition itself carries error.
 */
export const where: OpSpec = {
  opType: "Where",
  summary: "y + c·(x − y): 1 product per element with a 0/1 signal condition, free with a constant one",
  lower(ctx: LowerCtx): Value[] {
    const cond = booleanOperand(ctx, 0);
    const vx = ctx.required(1);
    const vy = ctx.required(2);
    const shape = broadcastAll(ctx, [shapeOfValue(cond), shapeOfValue(vx), shapeOfValue(vy)]);
    const n = shape.reduce((a, b) => a * b, 1);
    const name = ctx.node.outputs[0] ?? "";
    const branches = [1, 2].map((i) =>
      (vx.kind === "signal" && i === 1) || (vy.kind === "signal" && i === 2) ? ctx.signal(i) : undefined,
    );
    const sigScales = branches.flatMap((q) => (q ? [q.scale] : []));
    const consts = [vx, vy].flatMap((v) => (v.kind === "const" ? [v.t] : []));
    const S =
      sigScales.length > 0
        ? Math.max(...sigScales)
        : Math.max(...consts.map((t) => exactScale(t.data, ctx.workScale)));
    const elems = [vx, vy].map((v, b) => operandElems(ctx, v, branches[b], shape, S));
    const [ex, ey] = elems as [Elem[], Elem[]];
    const ci = broadcastIndex(shape, shapeOfValue(cond));

    // Inputs of the final affine map: the condition (if a signal), x and y signals, the products.
    const ins: QTensor[] = [];
    const off = new Map<number, number>();
    const use = (q: QTensor) => {
      if (!off.has(q.id)) {
        off.set(
          q.id,
          ins.reduce((s, t) => s + t.lo.length, 0),
        );
        ins.push(q);
      }
      return off.get(q.id) as number;
    };
    const rows = Array.from({ length: n }, () => new Map<number, bigint>());
    const bias = new Array<bigint>(n).fill(0n);
    const add = (i: number, e: Elem, w: bigint) => {
      if ("k" in e) bias[i] = (bias[i] as bigint) + w * e.k;
      else {
        const row = rows[i] as Map<number, bigint>;
        const j = use(e.q) + e.j;
        row.set(j, (row.get(j) ?? 0n) + w * e.c);
      }
    };
    if (cond.kind === "const") {
      for (let i = 0; i < n; i++)
        add(i, cond.t.data[ci[i] as number] === 1 ? (ex[i] as Elem) : (ey[i] as Elem), 1n);
    } else {
      const c = cond.q;
      // Elements whose x − y is a signal need the product c·(x − y); the others are affine in c.
      const prod: number[] = [];
      for (let i = 0; i < n; i++) {
        const x = ex[i] as Elem;
        const y = ey[i] as Elem;
        if ("k" in x && "k" in y) {
          add(i, y, 1n);
          const row = rows[i] as Map<number, bigint>;
          const j = use(c) + (ci[i] as number);
          row.set(j, (row.get(j) ?? 0n) + x.k - y.k);
        } else prod.push(i);
      }
      if (prod.length > 0) {
        const dIns: QTensor[] = [];
        const dOff = new Map<number, number>();
        const dRows: AffinePrim["rows"] = [];
        const dBias: bigint[] = [];
        for (const i of prod) {
          const m = new Map<number, bigint>();
          let b = 0n;
          for (const [e, w] of [
            [ex[i] as Elem, 1n],
            [ey[i] as Elem, -1n],
          ] as const) {
            if ("k" in e) b += w * e.k;
            else {
              if (!dOff.has(e.q.id)) {
                dOff.set(
                  e.q.id,
                  dIns.reduce((s, t) => s + t.lo.length, 0),
                );
                dIns.push(e.q);
              }
              const j = (dOff.get(e.q.id) as number) + e.j;
              m.set(j, (m.get(j) ?? 0n) + w * e.c);
            }
          }
          const t = [...m].filter(([, v]) => v !== 0n);
          dRows.push({ idx: Int32Array.from(t, ([j]) => j), coef: t.map(([, v]) => v) });
          dBias.push(b);
        }
        const extra = Float64Array.from(prod, (i) => constErr(ex[i] as Elem) + constErr(ey[i] as Elem));
        const d = ctx.affine(`${name}/diff`, [prod.length], dIns, dRows, dBias, S, extra);
        const p = mul(
          ctx,
          c,
          Int32Array.from(prod, (i) => ci[i] as number),
          d,
          Int32Array.from(prod, (_, k) => k),
          [prod.length],
          `${name}/select`,
        );
        prod.forEach((i, k) => {
          add(i, ey[i] as Elem, 1n);
          const row = rows[i] as Map<number, bigint>;
          row.set(use(p) + k, 1n);
        });
      }
    }
    const affRows: AffinePrim["rows"] = rows.map((m) => {
      const t = [...m].filter(([, v]) => v !== 0n);
      return { idx: Int32Array.from(t, ([j]) => j), coef: t.map(([, v]) => v) };
    });
    // x = y wherever they are constants (Where(c, k, k)): the output does not depend on the input.
    if (affRows.every((r) => r.idx.length === 0)) {
      const data = Float64Array.from(bias, (b) => Number(b) / 2 ** S);
      return [{ kind: "const", t: { dtype: "float32", shape, data } }];
    }
    const out = ctx.affine(name, shape, ins, affRows, bias, S);
    // Proven: out is x or y, so it lies within their bounds; its error is theirs unless c may flip.
    for (let i = 0; i < n; i++) {
      const [xl, xh, xe, xm] = elemRange(ex[i] as Elem, S);
      const [yl, yh, ye, ym] = elemRange(ey[i] as Elem, S);
      const lo = xl < yl ? xl : yl;
      const hi = xh > yh ? xh : yh;
      if (lo > (out.lo[i] as bigint)) out.lo[i] = lo;
      if (hi < (out.hi[i] as bigint)) out.hi[i] = hi;
      if (cond.kind === "const") out.err[i] = cond.t.data[ci[i] as number] === 1 ? xe : ye;
      else out.err[i] = Math.max(xe, ye) + ((cond.q.err[ci[i] as number] as number) > 0 ? xm + ym : 0);
    }
    return [{ kind: "signal", q: out }];
  },
};

/** Per output element, operand v at scale S: a signal element (coefficient 2^(S − s)) or a quantized constant. */
function operandElems(ctx: LowerCtx, v: Value, q: QTensor | undefined, shape: number[], S: number): Elem[] {
  const src = broadcastIndex(shape, shapeOfValue(v));
  if (q) {
    const c = 1n << BigInt(S - q.scale);
    return Array.from(src, (j) => ({ q, j, c }));
  }
  if (v.kind !== "const") return ctx.error("bug", "expected a constant branch");
  const cq = ctx.quantize(v.t, S, "a constant branch");
  return Array.from(src, (j) => ({ k: cq.q[j] as bigint, e: cq.err[j] as number }));
}

function constErr(e: Elem): number {
  return "k" in e ? e.e : 0;
}

/** Integer bounds at scale S, error, and largest magnitude (real units) of one operand element. */
function elemRange(e: Elem, S: number): [bigint, bigint, number, number] {
  if ("k" in e) return [e.k, e.k, e.e, Math.abs(Number(e.k)) / 2 ** S + e.e];
  const { q, j, c } = e;
  return [c * (q.lo[j] as bigint), c * (q.hi[j] as bigint), q.err[j] as number, LowerCtx.magnitude(q, j)];
}

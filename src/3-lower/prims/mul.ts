import type { MulPrim, QTensor } from "../ir.js";
import { LowerCtx } from "../lower.js";
import { varArray } from "./circom-text.js";
import type { PrimSpec } from "./spec.js";

/**
 * Element products of two signal tensors: out[i] = a[ia[i]] · b[ib[i]] at scale s_a + s_b, one
 * constraint each. Bounds are interval products (squares of one element: non-negative); the error is
 * |a|·e_b + |b|·e_a + e_a·e_b.
 */
export function mul(
  ctx: LowerCtx,
  a: QTensor,
  ia: Int32Array,
  b: QTensor,
  ib: Int32Array,
  shape: number[],
  onnxName = ctx.node.outputs[0] ?? "",
): QTensor {
  const n = ia.length;
  const lo: bigint[] = new Array(n);
  const hi: bigint[] = new Array(n);
  const err = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const j = ia[i] as number;
    const k = ib[i] as number;
    const c = [
      (a.lo[j] as bigint) * (b.lo[k] as bigint),
      (a.lo[j] as bigint) * (b.hi[k] as bigint),
      (a.hi[j] as bigint) * (b.lo[k] as bigint),
      (a.hi[j] as bigint) * (b.hi[k] as bigint),
    ];
    lo[i] = c.reduce((x, y) => (y < x ? y : x));
    hi[i] = c.reduce((x, y) => (y > x ? y : x));
    // A square x·x is never negative (the interval product of [l, h] with itself does not know that).
    if (a.id === b.id && j === k) {
      const l = a.lo[j] as bigint;
      const h = a.hi[j] as bigint;
      lo[i] = l > 0n ? l * l : h < 0n ? h * h : 0n;
    }
    const ea = a.err[j] as number;
    const eb = b.err[k] as number;
    err[i] = LowerCtx.magnitude(a, j) * eb + LowerCtx.magnitude(b, k) * ea + ea * eb;
  }
  const prim: Omit<MulPrim, "out"> = { kind: "mul", a: a.id, b: b.id, ia, ib };
  return ctx.addPrim(prim, { onnxName, shape, scale: a.scale + b.scale, lo, hi, err });
}

/** out[i] = a[ia[i]]·b[ib[i]]: one constraint and one wire per element. */
export const mulSpec: PrimSpec<MulPrim> = {
  kind: "mul",
  cost: (_p, size) => size,
  evaluate(p, vals) {
    const a = vals[p.a] as bigint[];
    const b = vals[p.b] as bigint[];
    return Array.from(p.ia, (j, i) => (a[j] as bigint) * (b[p.ib[i] as number] as bigint));
  },
  circom(p, s, env) {
    const n = p.ia.length;
    return [
      `// element products of two signals (1 constraint each)`,
      varArray(`IA_${s}`, Array.from(p.ia)),
      varArray(`IB_${s}`, Array.from(p.ib)),
      `for (var i = 0; i < ${n}; i++) ${s}[i] <== ${env.name(p.a)}[IA_${s}[i]] * ${env.name(p.b)}[IB_${s}[i]];`,
    ];
  },
  build(p, _s, cs) {
    p.ia.forEach((ja, i) => {
      const jb = p.ib[i] as number;
      const a = cs.lin(p.a, ja);
      const b = cs.lin(p.b, jb);
      // A constant operand makes the product linear: circom --O2 eliminates it, and so does this (the
      // lowering never makes one, but a plan may hold one). Constancy comes from the plan, alike in every mode.
      const ka = cs.constant(p.a)?.[ja];
      const kb = cs.constant(p.b)?.[jb];
      if (ka !== undefined || kb !== undefined) {
        cs.out(p.out, i, ka !== undefined ? b.times(ka) : a.times(kb as bigint));
        return;
      }
      const out = cs.wire(null, () => cs.val(p.a, ja) * cs.val(p.b, jb));
      cs.constrain(a, b, out);
      cs.out(p.out, i, out);
    });
  },
};

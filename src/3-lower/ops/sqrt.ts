import type { QTensor } from "../ir.js";
import type { LowerCtx, Value } from "../lower.js";
import { sqrt as sqrtPrim } from "../prims/sqrt.js";
import { weightedSum } from "./lib/elementwise.js";
import type { OpSpec } from "./op.js";

/**
 * Sqrt: a value at scale s needs its integer at scale 2·t to give sqrt at scale t, t = max(ws, ⌈s/2⌉): the
 * input is multiplied by 2^(2t − s) (free), then the sqrt prim takes the floor square root
 * (circuits/sqrt.circom: 2·NX + 1 constraints per element up to 125 input bits, NX = the input's width).
 * Error: floor loses < 2^-t; the input's error e moves sqrt by at most min(√e, e/√x_min).
 * x must be proven non-negative over the calibrated range.
 */
export const sqrt: OpSpec = {
  opType: "Sqrt",
  summary: "floor square root at the working scale (x proven ≥ 0; 2·bits + 1 constraints)",
  lower(ctx: LowerCtx): Value[] {
    return [{ kind: "signal", q: squareRoot(ctx, ctx.signal(0)) }];
  },
};

export function squareRoot(ctx: LowerCtx, x: QTensor, name?: string): QTensor {
  const t = Math.max(ctx.workScale, Math.ceil(x.scale / 2));
  const y = 2 * t === x.scale ? x : weightedSum(ctx, [{ q: x }], x.shape, { minScale: 2 * t, name });
  const err = Float64Array.from(x.err, (e, i) => {
    const xmin = Math.max(0, Number(x.lo[i]) / 2 ** x.scale);
    const move = xmin > 0 ? Math.min(Math.sqrt(e), e / Math.sqrt(xmin)) : Math.sqrt(e);
    return 2 ** -t + move;
  });
  return sqrtPrim(ctx, y, t, err, name);
}

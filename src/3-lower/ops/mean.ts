import type { LowerCtx, Value } from "../lower.js";
import { mapConst, variadicInputs, weightedSum } from "./lib/elementwise.js";
import type { OpSpec } from "./op.js";

/**
 * Mean of one or more inputs with numpy broadcasting, free (one affine map with coefficient 1/n). Scale:
 * the finest input scale plus log2(n) when n is a power of two (exact), else plus the param scale (1/n
 * quantized there; its error is in the bound). One input: the input itself.
 */
export const mean: OpSpec = {
  opType: "Mean",
  summary: "variadic, numpy broadcasting (free; 1/n at the param scale unless n is a power of two)",
  lower(ctx: LowerCtx): Value[] {
    const { signals, consts, shape } = variadicInputs(ctx);
    const n = signals.length + consts.length;
    const only = signals[0];
    if (only && n === 1) return [{ kind: "signal", q: only }];
    const q = weightedSum(
      ctx,
      signals.map((s) => ({ q: s, w: 1 / n })),
      shape,
      { consts: consts.map((c) => mapConst(c, (v) => v / n)) },
    );
    return [{ kind: "signal", q }];
  },
};

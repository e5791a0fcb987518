import type { LowerCtx, Value } from "../lower.js";
import { cmp } from "../prims/cmp.js";
import { scalarTensor, weightedSum } from "./lib/elementwise.js";
import type { OpSpec } from "./op.js";

/**
 * Sign: 2·[x >= 0] − 1 − [x = 0] at scale 0 (the cmp prim twice: the input's width N, plus 2 for the zero
 * test): N + 2 per element. Error: 0 where the bounds keep x farther than its error from 0, else up to 2
 * (x near 0 may flip sign).
 */
export const sign: OpSpec = {
  opType: "Sign",
  summary: "sign test + zero test (bits + 2 constraints), scale 0",
  lower(ctx: LowerCtx): Value[] {
    const x = ctx.signal(0);
    const name = ctx.node.outputs[0] ?? "";
    const nonneg = cmp(ctx, x, "nonneg", x.shape, `${name}/nonneg`);
    const zero = cmp(ctx, x, "zero", x.shape, `${name}/zero`);
    const y = weightedSum(
      ctx,
      [
        { q: nonneg, w: 2 },
        { q: zero, w: -1 },
      ],
      x.shape,
      { consts: [scalarTensor(-1)] },
    );
    x.err.forEach((e, i) => {
      const far = Number(x.lo[i]) / 2 ** x.scale > e || Number(x.hi[i]) / 2 ** x.scale < -e;
      y.err[i] = far || e === 0 ? 0 : 2;
    });
    return [{ kind: "signal", q: y }];
  },
};

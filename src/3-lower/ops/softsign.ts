import type { LowerCtx, Value } from "../lower.js";
import { linear } from "../prims/basic.js";
import { div } from "../prims/div.js";
import { splitSign } from "./lib/activation.js";
import type { OpSpec } from "./op.js";

/**
 * Softsign(x) = x / (1 + |x|), exactly up to the output rounding: with x at scale s, y·2^s =
 * round(x·2^s / (2^s + |x|)) = floor((2^(s+1)·x + 2^s + |x|) / (2^(s+1) + 2|x|)), one floor division by a
 * divisor proven >= 2^(s+1) after one ReLU (for |x|). Softsign is 1-Lipschitz: error = the input's + 2^-(s+1).
 */
export const softsign: OpSpec = {
  opType: "Softsign",
  summary: "x / (1 + |x|) by one ReLU and one range-checked division (exact up to rounding)",
  lower(ctx: LowerCtx): Value[] {
    const name = ctx.node.outputs[0] ?? "";
    const sp = splitSign(ctx, ctx.signal(0));
    const { x, abs } = sp;
    const s = x.scale;
    const so = ctx.workScale;
    const n = x.lo.length;
    const one = 1n << BigInt(s);
    // num = 2^(so+1)·x + 2^s + |x|, den = 2^(s+1) + 2|x| (free affine maps of x and |x|)
    const num = linear(
      ctx,
      [x, abs],
      (i) => [
        [i, 1n << BigInt(so + 1)],
        [n + i, 1n],
      ],
      one,
      x.shape,
      `${name}/num`,
      s,
    );
    const den = linear(ctx, [abs], (i) => [[i, 2n]], 2n * one, x.shape, `${name}/den`, s);
    const err = Float64Array.from(x.err, (e) => e + 2 ** -(so + 1));
    return [{ kind: "signal", q: div(ctx, num, den, so, err) }];
  },
};

import type { LowerCtx, Value } from "../lower.js";
import { mul } from "../prims/mul.js";
import { leaky } from "./leakyrelu.js";
import { splitSign } from "./lib/activation.js";
import { broadcastIndex, broadcastShapes } from "./lib/broadcast.js";
import { weightedSum } from "./lib/elementwise.js";
import type { OpSpec } from "./op.js";

/**
 * PRelu(x, slope), slope unidirectionally broadcast to x. A constant slope: LeakyRelu's exact form with a
 * per-element alpha (the ReLU's N + 1 constraints). A signal slope: max(x, 0) + slope·min(x, 0), one ReLU
 * (at the working scale) and one product per element (N + 2); output at the working scale + the slope's.
 */
export const prelu: OpSpec = {
  opType: "PRelu",
  summary: "constant slope: exact, N + 1 per element; signal slope: one ReLU + one product",
  lower(ctx: LowerCtx): Value[] {
    const xShape = ctx.shapeOf(0);
    const sShape = ctx.shapeOf(1);
    const out = broadcastShapes(xShape, sShape);
    if (!out || out.length !== xShape.length || out.some((d, i) => d !== xShape[i]))
      ctx.error("bad-shape", `slope [${sShape}] does not broadcast to the input's shape [${xShape}]`);
    const x = ctx.signal(0);
    const slope = ctx.required(1);
    if (slope.kind === "const") return [{ kind: "signal", q: leaky(ctx, x, slope.t) }];
    const sp = splitSign(ctx, x);
    const s = ctx.signal(1);
    const ia = Int32Array.from({ length: x.lo.length }, (_, i) => i);
    const prod = mul(
      ctx,
      sp.neg,
      ia,
      s,
      broadcastIndex(xShape, sShape),
      xShape,
      `${ctx.node.outputs[0] ?? ""}/neg`,
    );
    return [{ kind: "signal", q: weightedSum(ctx, [{ q: sp.pos }, { q: prod }], xShape) }];
  },
};

import type { LowerCtx, Value } from "../lower.js";
import { reluPlusNegative } from "./elu.js";
import type { OpSpec } from "./op.js";

/** ONNX's defaults (float32 values of the SELU paper's constants). */
const ALPHA = Math.fround(1.6732632423543772);
const GAMMA = Math.fround(1.0507009873554805);

/**
 * Selu(alpha, gamma): gamma·x for x >= 0, gamma·alpha·(e^x − 1) below: gamma·max(x, 0) (gamma quantized at
 * its exact scale, at most the param scale) + a piecewise polynomial of gamma·alpha·(e^min(x,0) − 1).
 */
export const selu: OpSpec = {
  opType: "Selu",
  summary: "gamma·max(x, 0) + polynomial of gamma·alpha·(e^min(x,0) − 1); ~2^-(s+1) max error",
  lower(ctx: LowerCtx): Value[] {
    const alpha = ctx.float("alpha", ALPHA);
    const gamma = ctx.float("gamma", GAMMA);
    const g = (m: number) => gamma * alpha * Math.expm1(m);
    return [{ kind: "signal", q: reluPlusNegative(ctx, g, gamma, `Selu-${alpha}-${gamma}`) }];
  },
};

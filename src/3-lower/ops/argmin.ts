import type { LowerCtx, Value } from "../lower.js";
import { argExtremum } from "./lib/arg-extremum.js";
import type { OpSpec } from "./op.js";

/**
 * ArgMin along `axis` (keepdims, select_last_index): ArgMax of −x (free), as a scale-0 signal: K − 1
 * prefix-max Max2 (width + 1 each) and K − 1 zero tests (2 each) per output (see arg-extremum.ts).
 */
export const argMin: OpSpec = {
  opType: "ArgMin",
  summary: "index of the min: (K−1)·(width+1) + 2·(K−1) per output, ties per select_last_index",
  lower(ctx: LowerCtx): Value[] {
    return argExtremum(ctx, -1);
  },
};

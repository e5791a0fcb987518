import type { LowerCtx, Value } from "../lower.js";
import { argExtremum } from "./lib/arg-extremum.js";
import type { OpSpec } from "./op.js";

/**
 * ArgMax along `axis` (keepdims, select_last_index), as a scale-0 signal: K − 1 prefix-max Max2
 * (width + 1 each) and K − 1 zero tests (2 each) per output; see arg-extremum.ts for why the index is
 * unique and sound. An axis of size 1 gives the constant 0.
 */
export const argMax: OpSpec = {
  opType: "ArgMax",
  summary: "index of the max: (K−1)·(width+1) + 2·(K−1) per output, ties per select_last_index",
  lower(ctx: LowerCtx): Value[] {
    return argExtremum(ctx, 1);
  },
};

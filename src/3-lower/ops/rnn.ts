import type { LowerCtx } from "../lower.js";
import { unroll } from "./lib/recurrent.js";
import type { Expansion, OpSpec } from "./op.js";

/** RNN, unrolled: h' = f(x·Wᵀ + h·Rᵀ + Wb + Rb), f default Tanh. No products: the activation is the cost. */
export const rnn: OpSpec = {
  opType: "RNN",
  summary:
    "unrolled per step: Gemms and the activation (Tanh by default); clip, layout, directions, constant sequence_lens",
  expand(ctx: LowerCtx): Expansion {
    return unroll(ctx, {
      gates: "i",
      activations: ["Tanh"],
      states: 1,
      cell: (s) => [s.gate(0, 0)],
    });
  },
};

import type { LowerCtx } from "../lower.js";
import { unroll } from "./lib/recurrent.js";
import type { Expansion, OpSpec } from "./op.js";

/**
 * GRU (gates z, r, h in W's rows; activations f, g default Sigmoid, Tanh), unrolled:
 *   z = f(x·Wzᵀ + h·Rzᵀ + b)   r = f(x·Wrᵀ + h·Rrᵀ + b)
 *   ĥ = g(x·Whᵀ + (r⊙h)·Rhᵀ + Rbh + Wbh), or with linear_before_reset g(x·Whᵀ + r⊙(h·Rhᵀ + Rbh) + Wbh)
 *   h' = (1 − z)⊙ĥ + z⊙h, computed as ĥ + z⊙(h − ĥ): two products per hidden unit and step, not three.
 */
export const gru: OpSpec = {
  opType: "GRU",
  summary:
    "unrolled per step: Gemms, gate activations, 2 products per unit; linear_before_reset, clip, layout, directions, sequence_lens",
  expand(ctx: LowerCtx): Expansion {
    const beforeReset = ctx.int("linear_before_reset", 0) !== 0;
    return unroll(ctx, {
      gates: "zrh",
      activations: ["Sigmoid", "Tanh"],
      states: 1,
      cell(s) {
        const { sub, at } = s;
        const h = s.state[0] as string;
        const z = s.gate(0, 0);
        const r = s.gate(1, 0);
        const recurrent = beforeReset
          ? sub.op("Mul", [r, s.hr(2)], `${at}r_hR`)
          : s.hr(2, sub.op("Mul", [r, h], `${at}rh`));
        const pre = sub.op("Add", [s.xw(2), recurrent], `${at}h_pre`);
        const hh = s.activate(1, s.clip(pre, `${at}h_clipped`), `${at}h`);
        const moved = sub.op("Mul", [z, sub.op("Sub", [h, hh], `${at}h-hh`)], `${at}z(h-hh)`);
        return [sub.op("Add", [hh, moved], `${at}H`)];
      },
    });
  },
};

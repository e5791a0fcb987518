import type { LowerCtx } from "../lower.js";
import { unroll } from "./lib/recurrent.js";
import type { Expansion, OpSpec } from "./op.js";

/**
 * LSTM (gates i, o, f, c in W's rows; activations f, g, h default Sigmoid, Tanh, Tanh), unrolled:
 *   i = f(x·Wiᵀ + h·Riᵀ + Pi⊙C + b)   f = f(… + Pf⊙C …), or 1 − i with input_forget
 *   c = g(x·Wcᵀ + h·Rcᵀ + b)   C' = f⊙C + i⊙c   o = f(… + Po⊙C' …)   h' = o⊙h(C')
 * Three products per hidden unit and step (Mul) plus the activation approximations; the peepholes P
 * (input 7) are one more factor per gate, free when constant.
 */
export const lstm: OpSpec = {
  opType: "LSTM",
  summary:
    "unrolled per step: Gemms, gate activations, 3 products per unit; peepholes, clip, input_forget, layout, directions, sequence_lens",
  expand(ctx: LowerCtx): Expansion {
    const inputForget = ctx.int("input_forget", 0) !== 0;
    return unroll(ctx, {
      gates: "iofc",
      activations: ["Sigmoid", "Tanh", "Tanh"],
      states: 2,
      cell(s) {
        const { sub, at } = s;
        const c = s.state[1] as string;
        // P holds the peepholes of i, o, f: gate columns 0, 1, 2
        const peep = (k: number, state: string, letter: string) => {
          const p = s.input(7, "P", k);
          return p ? sub.op("Mul", [state, p], `${at}P${letter}C`) : undefined;
        };
        const i = s.gate(0, 0, peep(0, c, "i"));
        const f = inputForget ? sub.op("Sub", [sub.real(1), i], `${at}f`) : s.gate(2, 0, peep(2, c, "f"));
        const g = s.gate(3, 1);
        const kept = sub.op("Mul", [f, c], `${at}fC`);
        const added = sub.op("Mul", [i, g], `${at}ic`);
        const C = sub.op("Add", [kept, added], `${at}C`);
        const o = s.gate(1, 0, peep(1, C, "o"));
        return [sub.op("Mul", [o, s.activate(2, C, `${at}hC`)], `${at}H`), C];
      },
    });
  },
};

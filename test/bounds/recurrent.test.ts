import { describe, it } from "vitest";
import { recurrentModel } from "../support/recurrent-model.js";
import { type BoundsCase, runCase } from "./harness.js";

/**
 * Recurrences unrolled over two steps: every gate's polynomial, product and rescale is sized from bounds
 * that compound step by step, so they are checked over the enforced range of the sequence input
 * (calibrated [-1, 1], enforced [-1, 3)).
 */
const cases: BoundsCase[] = [
  {
    name: "LSTM, 2 steps, hidden 2",
    model: recurrentModel({ op: "LSTM", seq: 2, batch: 1, input: 2, hidden: 2 }),
    count: 30,
  },
  {
    name: "RNN, 2 steps, hidden 2",
    model: recurrentModel({ op: "RNN", seq: 2, batch: 1, input: 2, hidden: 2 }),
    count: 30,
  },
  {
    name: "GRU, 2 steps, hidden 2",
    model: recurrentModel({ op: "GRU", seq: 2, batch: 1, input: 2, hidden: 2 }),
    count: 30,
  },
];

describe("bounds over the enforced range: recurrent layers", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_, cs) => {
    await runCase(cs);
  });
});

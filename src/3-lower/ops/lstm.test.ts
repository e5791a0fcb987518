import { describe, expect, it } from "vitest";
import { checkAgainstFloat, FIXED, rng, writeTempModel } from "../../../test/support/op-check.js";
import {
  checkBatchFirst,
  checkRecurrentCircuit,
  recurrentSamples,
} from "../../../test/support/recurrent-check.js";
import { type RecurrentModel, recurrentModel } from "../../../test/support/recurrent-model.js";
import { attr } from "../../1-decode/onnx-builder.js";
import { estimateConstraints, planModel } from "../../steps/compile.js";

const r = rng(31);
const base: RecurrentModel = { op: "LSTM", seq: 3, batch: 2, input: 3, hidden: 4 };

describe("LSTM", () => {
  it.each([
    ["defaults: Y, Y_h, Y_c", base],
    ["no bias, initial states, peepholes", { ...base, bias: false, initial: true, peepholes: true }],
    ["bidirectional", { ...base, directions: 2 }],
    ["reverse", { ...base, attrs: { direction: "reverse" } }],
    ["input_forget and clip", { ...base, attrs: { input_forget: attr.int(1), clip: attr.float(0.5) } }],
    [
      "other activations, alpha/beta consumed in order",
      {
        ...base,
        attrs: {
          activations: attr.strings(["HardSigmoid", "LeakyRelu", "Softsign"]),
          activation_alpha: attr.floats([0.25, 0.1]),
          activation_beta: attr.floats([0.4]),
        },
      },
    ],
    [
      "sequence_lens 3, 1 (past its length a batch entry keeps its state, outputs 0)",
      { ...base, seqLens: [3, 1] },
    ],
    [
      "bidirectional, sequence_lens 0, 2 (a zero length ends in a zero state)",
      { ...base, directions: 2, seqLens: [0, 2], initial: true },
    ],
  ] as [string, RecurrentModel][])("%s: matches onnxruntime within the proven bound", async (_what, m) => {
    const { maxError, errorBound } = await checkAgainstFloat(recurrentModel(m), recurrentSamples(m, 6, r));
    expect(maxError).toBeLessThanOrEqual(errorBound);
    // the bound compounds over the steps; the arithmetic is good to a few units of 2^-7
    expect(maxError).toBeLessThan(0.06);
  });

  it("a long sequence: the compounding bound stays finite (Sigmoid/Tanh cap it), the measured error small", async () => {
    const m: RecurrentModel = { ...base, seq: 10, batch: 1, hidden: 8, outputs: [false, true] };
    const { maxError, errorBound } = await checkAgainstFloat(recurrentModel(m), recurrentSamples(m, 4, r));
    expect(maxError).toBeLessThan(0.06);
    // without the cap it squares each step once past 1 (7e12 after 8 steps of hidden 8 at scale 10)
    expect(errorBound).toBeLessThan(20);
  });

  it("layout 1 (batch first) gives layout 0's integers, transposed", async () => {
    await checkBatchFirst({ ...base, directions: 2, initial: true });
  });

  it("only the requested outputs; one node per gate and step, 3 products per unit and step", async () => {
    const { plan } = await planModel(
      writeTempModel(recurrentModel({ ...base, outputs: [false, true] })),
      FIXED,
    );
    expect(plan.outputs.map((o) => o.shape)).toEqual([[1, 2, 4]]);
    const names = plan.nodes.map((n) => n.node.name);
    for (const t of [0, 1, 2]) for (const g of "iofc") expect(names).toContain(`rec/t${t}/${g}`);
    const products = plan.nodes.filter((n) => n.prims.some((p) => p.kind === "mul"));
    expect(
      products
        .map((n) => n.node.name)
        .filter((n) => n.startsWith("rec/t1/"))
        .sort(),
    ).toEqual(["rec/t1/H", "rec/t1/fC", "rec/t1/ic"]);
  });

  it("compiles: witness equals the reference, r1cs satisfied, every signal pinned", {
    tags: ["heavy"],
  }, async () => {
    const m: RecurrentModel = { ...base, seq: 2, batch: 1, hidden: 2, peepholes: true };
    const constraints = await checkRecurrentCircuit(m, r);
    // The direct backend makes --O2's system without circom's elimination, whose time grows with the cube
    // of the hidden size (circom compiles recurrences with --O1): exactly the estimate, equal to circom --O2's
    // here (checkRecurrentCircuit compares the backends).
    const { plan } = await planModel(writeTempModel(recurrentModel(m)), FIXED);
    expect(constraints).toBe(estimateConstraints(plan));
  });

  it("refuses unknown activations, bad directions and lengths, naming the node", async () => {
    const refuse = (m: RecurrentModel) => planModel(writeTempModel(recurrentModel(m)), FIXED);
    const node = { name: "rec", opType: "LSTM" };
    const acts = (a: string[]) => ({ ...base, attrs: { activations: attr.strings(a) } });
    await expect(refuse(acts(["Sigmoid", "Swish", "Tanh"]))).rejects.toMatchObject({
      code: "bad-attribute",
      node,
      message: expect.stringContaining('"Swish"'),
    });
    await expect(refuse(acts(["Sigmoid"]))).rejects.toMatchObject({ code: "bad-attribute", node });
    await expect(refuse({ ...base, attrs: { direction: "sideways" } })).rejects.toMatchObject({
      code: "bad-attribute",
      node,
    });
    await expect(refuse({ ...base, seqLens: [4, 1] })).rejects.toMatchObject({ code: "bad-input", node });
  });
});

import { describe, expect, it } from "vitest";
import { checkAgainstFloat, FIXED, rng, writeTempModel } from "../../../test/support/op-check.js";
import {
  checkBatchFirst,
  checkRecurrentCircuit,
  recurrentSamples,
} from "../../../test/support/recurrent-check.js";
import { type RecurrentModel, recurrentModel } from "../../../test/support/recurrent-model.js";
import { attr } from "../../1-decode/onnx-builder.js";
import { planModel } from "../../steps/compile.js";

const r = rng(32);
const base: RecurrentModel = { op: "GRU", seq: 3, batch: 2, input: 3, hidden: 4 };

describe("GRU", () => {
  it.each([
    ["defaults: Y, Y_h", base],
    ["linear_before_reset", { ...base, attrs: { linear_before_reset: attr.int(1) } }],
    [
      "no bias, initial state, reverse",
      { ...base, bias: false, initial: true, attrs: { direction: "reverse" } },
    ],
    [
      "bidirectional, other activations backward",
      {
        ...base,
        directions: 2,
        attrs: { activations: attr.strings(["Sigmoid", "Tanh", "HardSigmoid", "Softsign"]) },
      },
    ],
    [
      "clip and ScaledTanh (alpha, beta)",
      {
        ...base,
        attrs: {
          clip: attr.float(0.8),
          activations: attr.strings(["Sigmoid", "ScaledTanh"]),
          activation_alpha: attr.floats([0.9]),
          activation_beta: attr.floats([1.5]),
        },
      },
    ],
    ["sequence_lens 2, 3", { ...base, seqLens: [2, 3], attrs: { linear_before_reset: attr.int(1) } }],
  ] as [string, RecurrentModel][])("%s: matches onnxruntime within the proven bound", async (_what, m) => {
    const { maxError, errorBound } = await checkAgainstFloat(recurrentModel(m), recurrentSamples(m, 6, r));
    expect(maxError).toBeLessThanOrEqual(errorBound);
    expect(maxError).toBeLessThan(0.06);
  });

  it("layout 1 (batch first) gives layout 0's integers, transposed", async () => {
    await checkBatchFirst({ ...base, initial: true, attrs: { direction: "reverse" } });
  });

  it("2 products per unit and step: r⊙h and z⊙(h − ĥ)", async () => {
    const { plan } = await planModel(writeTempModel(recurrentModel(base)), FIXED);
    const products = plan.nodes.filter((n) => n.prims.some((p) => p.kind === "mul"));
    expect(
      products
        .map((n) => n.node.name)
        .filter((n) => n.startsWith("rec/t1/"))
        .sort(),
    ).toEqual(["rec/t1/rh", "rec/t1/z(h-hh)"]);
  });

  it("compiles: witness equals the reference, r1cs satisfied, every signal pinned", {
    tags: ["heavy"],
  }, async () => {
    const m: RecurrentModel = { ...base, seq: 2, batch: 1, hidden: 2 };
    await checkRecurrentCircuit(m, r);
  });
});

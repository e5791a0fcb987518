import { describe, expect, it } from "vitest";
import { checkAgainstFloat, rng } from "../../../test/support/op-check.js";
import {
  checkBatchFirst,
  checkRecurrentCircuit,
  recurrentSamples,
} from "../../../test/support/recurrent-check.js";
import { type RecurrentModel, recurrentModel } from "../../../test/support/recurrent-model.js";
import { attr } from "../../1-decode/onnx-builder.js";

const r = rng(33);
const base: RecurrentModel = { op: "RNN", seq: 4, batch: 2, input: 3, hidden: 4 };

describe("RNN", () => {
  it.each([
    ["defaults (Tanh): Y, Y_h", base],
    [
      "Relu, no bias, initial state",
      { ...base, bias: false, initial: true, attrs: { activations: attr.strings(["Relu"]) } },
    ],
    [
      "bidirectional: Sigmoid forward, ThresholdedRelu backward",
      {
        ...base,
        directions: 2,
        attrs: {
          activations: attr.strings(["Sigmoid", "ThresholdedRelu"]),
          activation_alpha: attr.floats([0.2]),
        },
      },
    ],
    [
      "clip, Elu, sequence_lens 4, 2",
      { ...base, seqLens: [4, 2], attrs: { clip: attr.float(0.7), activations: attr.strings(["Elu"]) } },
    ],
    [
      "Affine (alpha, beta), only Y_h",
      {
        ...base,
        outputs: [false, true],
        attrs: {
          activations: attr.strings(["Affine"]),
          activation_alpha: attr.floats([0.5]),
          activation_beta: attr.floats([0.1]),
        },
      },
    ],
  ] as [string, RecurrentModel][])("%s: matches onnxruntime within the proven bound", async (_what, m) => {
    const { maxError, errorBound } = await checkAgainstFloat(recurrentModel(m), recurrentSamples(m, 6, r));
    expect(maxError).toBeLessThanOrEqual(errorBound);
    expect(maxError).toBeLessThan(0.06);
  });

  it("layout 1 (batch first) gives layout 0's integers, transposed", async () => {
    await checkBatchFirst({ ...base, directions: 2 });
  });

  it("compiles: witness equals the reference, r1cs satisfied, every signal pinned", {
    tags: ["heavy"],
  }, async () => {
    const m: RecurrentModel = { ...base, seq: 2, batch: 1, hidden: 2 };
    await checkRecurrentCircuit(m, r);
  });
});

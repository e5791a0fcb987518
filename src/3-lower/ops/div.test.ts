import { describe, expect, it } from "vitest";
import { calibrated } from "../../../test/support/calibration.js";
import { witnessMutations } from "../../../test/support/mutations.js";
import { checkAgainstFloat, checkCircuit, rng, singleOp, uniform } from "../../../test/support/op-check.js";
import { exactOutputs, typedModel } from "../../../test/support/typed-model.js";
import { DataType } from "../../1-decode/onnx-builder.js";

const r = rng(16);

/** Samples of (a, b) with b's magnitude in [lo, hi], random sign when `signed`. */
function pairs(n: number, na: number, nb: number, lo: number, hi: number, signed = false) {
  return Array.from({ length: n }, () => [
    uniform(r, na),
    uniform(r, nb, lo, hi).map((v) => (signed && r() < 0.5 ? -v : v)),
  ]);
}

describe("Div", () => {
  it("by a constant is free: a multiplication by the reciprocal (exact for powers of two)", {
    tags: ["heavy"],
  }, async () => {
    const m = singleOp({
      op: "Div",
      inputs: [["x", [2, 3]]],
      weights: [["c", [3], [3, -0.7, 1.9]]],
      output: [2, 3],
    });
    const s = Array.from({ length: 10 }, () => [uniform(r, 6)]);
    const { plan } = await checkAgainstFloat(m, s);
    expect(plan.tensors.at(-1)?.scale).toBe(14);
    const half = singleOp({ op: "Div", inputs: [["x", [4]]], weights: [["c", [], [4]]], output: [4] });
    const h = await checkAgainstFloat(half, [[uniform(r, 4)]]);
    expect(h.plan.tensors.at(-1)?.scale).toBe(9);
    expect(h.maxError).toBeLessThanOrEqual(2 ** -9);
    expect((await checkCircuit(half, [[uniform(r, 4)]])).constraints).toBe(4 * 9);
  });

  it("by a positive signal with broadcasting: rounded quotient within the proven bound", {
    tags: ["heavy"],
  }, async () => {
    const m = singleOp({
      op: "Div",
      inputs: [
        ["a", [2, 3]],
        ["b", [3]],
      ],
      output: [2, 3],
    });
    const s = pairs(20, 6, 3, 0.5, 2);
    const { plan, errorBound, maxError } = await checkAgainstFloat(m, s, calibrated(s));
    expect(plan.tensors.at(-1)?.scale).toBe(7);
    expect(errorBound).toBeLessThan(0.1);
    expect(maxError).toBeLessThanOrEqual(errorBound);
    const c = await checkCircuit(m, s.slice(0, 2), calibrated(s));
    expect(c.constraints).toBeGreaterThan(6 * 9);
  });

  it("by a negative signal (negated, free) and by a constant numerator", { tags: ["heavy"] }, async () => {
    const m = singleOp({
      op: "Div",
      inputs: [
        ["a", [3]],
        ["b", [3]],
      ],
      output: [3],
    });
    // (private inputs are checked to a power-of-two width above the calibrated minimum: [-2, -1.2] stays < 0)
    const s = Array.from({ length: 20 }, () => [uniform(r, 3), uniform(r, 3, -2, -1.2)]);
    await checkAgainstFloat(m, s, calibrated(s));
    await checkCircuit(m, s.slice(0, 2), calibrated(s));
    const k = singleOp({
      op: "Div",
      inputs: [["b", [3]]],
      weights: [["a", [3], [1, -2.5, 0.3]]],
      nodeInputs: ["a", "b"],
      output: [3],
    });
    const kb = Array.from({ length: 20 }, () => [uniform(r, 3, 0.25, 1)]);
    await checkAgainstFloat(k, kb, calibrated(kb));
    await checkCircuit(k, kb.slice(0, 2), calibrated(kb));
  });

  it("rejects a divisor that can be 0 in the calibrated range, and a constant 0", async () => {
    const m = singleOp({
      op: "Div",
      inputs: [
        ["a", [3]],
        ["b", [3]],
      ],
      output: [3],
    });
    await expect(checkAgainstFloat(m, [])).rejects.toMatchObject({
      code: "unsupported-op",
      message: expect.stringMatching(/divisor can be 0/),
    });
    const z = singleOp({ op: "Div", inputs: [["x", [2]]], weights: [["c", [2], [1, 0]]], output: [2] });
    await expect(checkAgainstFloat(z, [])).rejects.toMatchObject({ code: "non-finite" });
  });

  it("integer Div by constants truncates toward zero exactly (any sign, non-power-of-two divisors)", {
    tags: ["heavy"],
  }, async () => {
    const m = typedModel({
      op: "Div",
      inputs: [["a", [2, 4], DataType.INT32]],
      consts: [["c", [4], [3, -4, 7, 1], DataType.INT32]],
      outputs: [DataType.INT32],
    });
    const opts = { inputRange: [-50, 50] as [number, number] };
    // Every residue class around zero, and the ends of the range.
    const samples = [[[-50, -49, -7, -1, 0, 1, 6, 50]], [[-3, 4, 7, -8, 50, -50, 13, 49]]].map((s) =>
      s.map((a) => Float64Array.from(a)),
    );
    const { circuit, float } = await exactOutputs(m, samples, opts);
    expect(circuit).toEqual(float);
    await checkCircuit(m, samples, opts);
  });

  it("integer Div of a non-negative input by a power of two is one floor shift", {
    tags: ["heavy"],
  }, async () => {
    const m = typedModel({
      op: "Div",
      inputs: [["a", [3], DataType.INT64]],
      consts: [["c", [], [8]]],
      outputs: [DataType.INT64],
    });
    const opts = { inputRange: [0, 100] as [number, number] };
    const samples = [[Float64Array.of(0, 7, 100)], [Float64Array.of(8, 9, 63)]];
    const { circuit, float } = await exactOutputs(m, samples, opts);
    expect(circuit).toEqual(float);
    // 3 × 7 input bits, then floorShift by 3 of a 9-bit value: 3 × (9 + 2).
    expect((await checkCircuit(m, samples, opts)).constraints).toBe(3 * 7 + 3 * 11);
  });

  it("integer Div by a signal truncates toward zero exactly: positive divisors, numerators of any sign; pinned", {
    tags: ["heavy"],
  }, async () => {
    const m = typedModel({
      op: "Div",
      inputs: [
        ["a", [2, 4], DataType.INT32],
        ["b", [4], DataType.INT32],
      ],
      outputs: [DataType.INT32],
    });
    const samples = [
      [Float64Array.of(-50, -49, -7, -1, 0, 1, 6, 50), Float64Array.of(1, 7, 3, 9)],
      [Float64Array.of(-3, 4, 7, -8, 50, -50, 13, 49), Float64Array.of(9, 2, 7, 4)],
    ];
    const opts = calibrated(samples);
    const { circuit, float } = await exactOutputs(m, samples, opts);
    expect(circuit).toEqual(float);
    await checkCircuit(m, samples, opts);
    // a forged quotient, remainder or sign bit is rejected: every signal is pinned
    expect(await witnessMutations(m, samples.slice(0, 1), opts)).toEqual([]);
  });

  it("integer Div by a negative signal, uint types, broadcasting and a constant numerator", {
    tags: ["heavy"],
  }, async () => {
    const neg = typedModel({
      op: "Div",
      inputs: [
        ["a", [3], DataType.INT64],
        ["b", [3], DataType.INT64],
      ],
      outputs: [DataType.INT64],
    });
    const ns = [
      [Float64Array.of(-20, 7, 20), Float64Array.of(-3, -9, -2)],
      [Float64Array.of(19, -7, 0), Float64Array.of(-9, -2, -5)],
    ];
    const n = await exactOutputs(neg, ns, calibrated(ns));
    expect(n.circuit).toEqual(n.float);
    await checkCircuit(neg, ns, calibrated(ns));
    const u = typedModel({
      op: "Div",
      inputs: [
        ["a", [2, 3], DataType.UINT64],
        ["b", [3], DataType.UINT64],
      ],
      outputs: [DataType.UINT64],
    });
    const us = [
      [Float64Array.of(0, 200, 1000, 5, 17, 999), Float64Array.of(3, 1, 250)],
      [Float64Array.of(1000, 1, 64, 3, 0, 500), Float64Array.of(250, 7, 2)],
    ];
    const uo = await exactOutputs(u, us, calibrated(us));
    expect(uo.circuit).toEqual(uo.float);
    await checkCircuit(u, us, calibrated(us));
    const k = typedModel({
      op: "Div",
      inputs: [["b", [3], DataType.INT32]],
      consts: [["a", [3], [100, -100, 7], DataType.INT32]],
      nodeInputs: ["a", "b"],
      outputs: [DataType.INT32],
    });
    const ks = [[Float64Array.of(3, 7, 1)], [Float64Array.of(9, 2, 8)]];
    const ko = await exactOutputs(k, ks, calibrated(ks));
    expect(ko.circuit).toEqual(ko.float);
    await checkCircuit(k, ks, calibrated(ks));
  });

  it("refuses an integer divisor that can be 0 within the calibrated range, naming the node", async () => {
    const m = typedModel({
      op: "Div",
      inputs: [
        ["a", [3], DataType.INT32],
        ["b", [3], DataType.INT32],
      ],
      outputs: [DataType.INT32],
    });
    await expect(checkAgainstFloat(m, [], { inputRange: [-9, 9] })).rejects.toMatchObject({
      code: "unsupported-op",
      node: { opType: "Div" },
      message: expect.stringContaining("integer divisor can be 0"),
    });
  });
});

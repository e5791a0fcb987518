import { describe, expect, it } from "vitest";
import { expectDocumented, measureActivation } from "../../../test/support/activation-table.js";
import { calibrated } from "../../../test/support/calibration.js";
import {
  checkAgainstFloat,
  checkCircuit,
  FIXED,
  rng,
  singleOp,
  uniform,
} from "../../../test/support/op-check.js";

const r = rng(24);
const samples = (n: number, size: number, lo = -1, hi = 1) =>
  Array.from({ length: n }, () => [uniform(r, size, lo, hi)]);
const powModel = (p: number, shape = [5]) =>
  singleOp({ op: "Pow", inputs: [["x", shape]], weights: [["p", [], [p]]], output: shape, opset: 15 });

describe("Pow", () => {
  it("x^2 is one product per element; x^3 and x^5 square-and-multiply with rescales", {
    tags: ["heavy"],
  }, async () => {
    const sq = powModel(2);
    const s = samples(10, 5);
    const { plan } = await checkAgainstFloat(sq, s);
    expect(plan.tensors.at(-1)?.scale).toBe(14);
    expect((await checkCircuit(sq, s.slice(0, 2))).constraints).toBe(5 * (9 + 1));
    for (const p of [1, 3, 4, 5]) await checkAgainstFloat(powModel(p), samples(10, 5));
    await checkCircuit(powModel(5), s.slice(0, 2));
  });

  it("0.5 is Sqrt; −1 and −2 are reciprocals; 0 is the constant 1 (refused as an output)", {
    tags: ["heavy"],
  }, async () => {
    const pos = { ...FIXED, inputRange: [0, 1] as [number, number] };
    await checkAgainstFloat(powModel(0.5), samples(10, 5, 0, 1), pos);
    const away = samples(20, 5, 0.5, 2);
    for (const p of [-1, -2, -0.5]) await checkAgainstFloat(powModel(p), away, calibrated(away));
    await checkCircuit(powModel(-2), away.slice(0, 2), calibrated(away));
    await expect(checkAgainstFloat(powModel(0), [])).rejects.toThrow(/is a constant/);
  });

  it("other exponents on a base proven positive: a piecewise polynomial of x^p over the base's range", {
    tags: ["heavy"],
  }, async () => {
    const pos = { ...FIXED, inputRange: [0.25, 4] as [number, number] };
    const s = samples(6, 5, 0.25, 4);
    for (const [p, bound] of [
      [-0.1, 2 ** -5],
      [1.5, 2 ** -4],
      [-2.5, 2], // 2.5·x^-3.5 = 320 at x = 0.25: the input's rounding (2^-8) moves it by 1.25
    ] as const) {
      const { plan, errorBound } = await checkAgainstFloat(powModel(p), s, pos);
      expect(plan.nodes[0]?.prims.some((q) => q.kind === "poly")).toBe(true);
      expect(errorBound).toBeLessThan(bound);
    }
    await checkCircuit(powModel(-0.1), s.slice(0, 2), pos);
  });

  it("per-element exponents: each distinct value on its own elements, 0 a constant 1, reassembled", {
    tags: ["heavy"],
  }, async () => {
    const m = singleOp({
      op: "Pow",
      inputs: [["x", [2, 4]]],
      weights: [["p", [4], [2, 0, 3, 2]]],
      output: [2, 4],
      opset: 15,
    });
    const s = samples(8, 8);
    const { plan, maxError, errorBound } = await checkAgainstFloat(m, s);
    expect(maxError).toBeLessThanOrEqual(errorBound);
    // x^2 on 4 elements (one product each), x^3 on 2 (square-and-multiply): 3 distinct groups.
    expect(plan.nodes[0]?.prims.filter((p) => p.kind === "mul").length).toBe(3);
    await checkCircuit(m, s.slice(0, 2));
  });

  it("rejects other exponents on a base that can be 0 or negative, and signal exponents", async () => {
    await expect(checkAgainstFloat(powModel(1.5), [])).rejects.toThrow(
      /exponent 1.5 is not supported for a base that can be -1 /,
    );
    const zero = { ...FIXED, inputRange: [0, 1] as [number, number] };
    await expect(checkAgainstFloat(powModel(-0.1), [], zero)).rejects.toMatchObject({
      code: "unsupported-op",
      node: { opType: "Pow" },
      message: expect.stringContaining("for a base that can be 0 (<= 0 at scale 2^7)"),
    });
    const signal = singleOp({
      op: "Pow",
      inputs: [
        ["x", [3]],
        ["p", [3]],
      ],
      output: [3],
    });
    await expect(checkAgainstFloat(signal, [])).rejects.toThrow(/must be a compile-time constant/);
  });

  it("meets its documented cost and error at the default scales (p = -0.1)", async () => {
    const p = Math.fround(-0.1);
    const m = await measureActivation({
      op: "Pow",
      f: (x) => x ** p,
      range: [0.25, 16],
      weights: [["p", [], [p]]],
    });
    expectDocumented("Pow (p = -0.1)", m);
  });
});

import { describe, expect, it } from "vitest";
import { fitLogLog, fitReport, stats } from "./stats.js";
import type { ModelResult } from "./types.js";

describe("stats", () => {
  it("median is a measured value (lower middle), with min and max", () => {
    expect(stats([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3 });
    expect(stats([4, 1, 3, 2])).toEqual({ median: 2, min: 1, max: 4 });
    expect(() => stats([])).toThrow(RangeError);
  });

  it("recovers the exponent and constant of a power law from log-log least squares", () => {
    const pts = [10, 100, 1000, 5000].map((x) => ({ x, y: 3 * x ** 1.5 }));
    const f = fitLogLog(pts);
    expect(f?.exponent).toBeCloseTo(1.5, 10);
    expect(10 ** (f?.intercept ?? 0)).toBeCloseTo(3, 8);
    expect(f?.r2).toBeCloseTo(1, 10);
    // noise lowers r² but the slope stays near
    const noisy = fitLogLog([10, 100, 1000].map((x, i) => ({ x, y: x * (i === 1 ? 1.3 : 1) })));
    expect(noisy?.exponent).toBeCloseTo(1, 0);
    expect(noisy?.r2).toBeLessThan(1);
  });

  it("has no fit unless the positive x span a factor of two", () => {
    // the two examples: 44,530 and 44,426 parameters gave an "exponent" of -866
    expect(
      fitLogLog([
        { x: 44530, y: 1.45 },
        { x: 44426, y: 11 },
      ]),
    ).toBeUndefined();
    expect(
      fitLogLog([
        { x: 1000, y: 1 },
        { x: 2000, y: 2 },
      ])?.exponent,
    ).toBeCloseTo(1, 10);
    expect(fitLogLog([{ x: 5, y: 1 }])).toBeUndefined();
    expect(
      fitLogLog([
        { x: 5, y: 1 },
        { x: 5, y: 2 },
      ]),
    ).toBeUndefined();
    expect(
      fitLogLog([
        { x: 0, y: 1 },
        { x: 5, y: 2 },
      ]),
    ).toBeUndefined();
  });

  it("fits per family and over all models that ran", () => {
    const m = (name: string, family: string, parameters: number, constraints: number, prove: number) =>
      ({
        name,
        family,
        parameters,
        constraints,
        status: "ok",
        time: { prove: { median: prove, min: prove, max: prove } },
      }) as unknown as ModelResult;
    const models = [
      m("a", "mlp", 100, 1000, 1),
      m("b", "mlp", 1000, 10000, 10),
      m("c", "cnn", 100, 100000, 100),
      { ...m("d", "cnn", 1e6, 1, 1), status: "skipped" } as ModelResult,
    ];
    const f = fitReport(models);
    expect(f.constraintsVsParameters.mlp?.exponent).toBeCloseTo(1, 10);
    expect(f.proveVsConstraints.mlp?.exponent).toBeCloseTo(1, 10);
    expect(f.proveVsParameters.cnn).toBeUndefined(); // one point: the skipped model is not used
    expect(f.proveVsParameters.all?.points).toBe(3);
  });
});

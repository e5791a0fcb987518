import { describe, expect, it } from "vitest";
import { parseDataset, parseOneSample, quantizeSample } from "./inputs.js";

const inputs = [
  { name: "x", shape: [1, 2, 2] },
  { name: "m", shape: [3] },
];

describe("input files", () => {
  it("accepts EZKL's input_data (flat) and name-keyed nested arrays alike", () => {
    const a = parseOneSample(
      {
        input_data: [
          [1, 2, 3, 4],
          [5, 6, 7],
        ],
      },
      inputs,
      "a.json",
    );
    const b = parseOneSample(
      {
        x: [
          [
            [1, 2],
            [3, 4],
          ],
        ],
        m: [5, 6, 7],
      },
      inputs,
      "b.json",
    );
    expect(a.map((t) => Array.from(t))).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7],
    ]);
    expect(b).toEqual(a);
  });

  it("names the input and both sizes on a shape mismatch, and the missing names", () => {
    expect(() =>
      parseOneSample(
        {
          input_data: [
            [1, 2, 3],
            [5, 6, 7],
          ],
        },
        inputs,
        "in.json",
      ),
    ).toThrow(/input "x" has 3 values but its shape \[1,2,2\] needs 4/);
    expect(() => parseOneSample({ x: [1, 2, 3, 4] }, inputs, "in.json")).toThrow(
      /no value for input\(s\) "m"/,
    );
    expect(() => parseOneSample({ input_data: [[1, 2, 3, 4]] }, inputs, "in.json")).toThrow(
      /must hold 2 array/,
    );
  });

  it("rejects NaN/Infinity spellings and non-numbers (booleans read as 0/1)", () => {
    expect(() =>
      parseOneSample(
        {
          input_data: [
            [1, null, 3, 4],
            [5, 6, 7],
          ],
        },
        inputs,
        "in.json",
      ),
    ).toThrow(expect.objectContaining({ code: "non-finite" }));
    expect(() =>
      parseOneSample(
        {
          input_data: [
            [1, "NaN", 3, 4],
            [5, 6, 7],
          ],
        },
        inputs,
        "in.json",
      ),
    ).toThrow(expect.objectContaining({ code: "non-finite" }));
    expect(() =>
      parseOneSample(
        {
          input_data: [
            [1, { v: 2 }, 3, 4],
            [5, 6, 7],
          ],
        },
        inputs,
        "in.json",
      ),
    ).toThrow(expect.objectContaining({ code: "bad-input" }));
  });

  it("reads data sets as arrays of objects or as batched input_data", () => {
    expect(
      parseDataset(
        [
          {
            input_data: [
              [1, 2, 3, 4],
              [5, 6, 7],
            ],
          },
          { x: [0, 0, 0, 0], m: [1, 1, 1] },
        ],
        inputs,
        "d",
      ),
    ).toHaveLength(2);
    expect(
      parseDataset(
        {
          input_data: [
            [1, 2, 3, 4, 5, 6, 7, 8],
            [5, 6, 7, 8, 9, 10],
          ],
        },
        inputs,
        "d",
      ),
    ).toHaveLength(2);
  });

  it("quantizes half away from zero and refuses values outside the calibrated range", () => {
    const spec = [
      { name: "x", scale: 2, range: [-1, 1] as [number, number], intRange: ["-4", "4"] as [string, string] },
    ];
    expect(quantizeSample([Float64Array.from([0.125, -0.125, 1, -0.3])], spec)[0]).toEqual([
      1n,
      -1n,
      4n,
      -1n,
    ]);
    expect(() => quantizeSample([Float64Array.from([1.2])], spec)).toThrow(
      expect.objectContaining({
        code: "input-out-of-range",
        message: expect.stringContaining("element 0 is 1.2"),
      }),
    );
  });
});

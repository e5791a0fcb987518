import { describe, it } from "vitest";
import { type BoundsCase, runCase } from "./harness.js";
import { attr, DataType, graph, type Node, weights } from "./models.js";

/**
 * More ops over the enforced range, with checks (a)-(d), the input range checks and the mutation probe
 * of runCase: further activations and elementary functions, reductions and comparisons, products of
 * signals, data movement, and a scatter by an int64 input.
 */

const I = DataType.INT64;
const of = (op: string, src: string, out: string, attrs = {}): Node => [op, [src], [out], attrs];
const outs = (n: number, dims: number[]) =>
  Array.from({ length: n }, (_, i) => [`y${i}`, dims] as [string, number[]]);

const cases: BoundsCase[] = [
  {
    name: "HardSwish, PRelu, Selu, Celu, Mish of 6x",
    model: graph({
      inputs: [["x", [4]]],
      consts: [
        ["k", [], [6]],
        ["slope", [4], [0.25, -0.5, 0.1, 2]],
      ],
      nodes: [
        ["Mul", ["x", "k"], ["m"]],
        of("HardSwish", "m", "y0"),
        ["PRelu", ["m", "slope"], ["y1"]],
        of("Selu", "m", "y2"),
        of("Celu", "m", "y3", { alpha: attr.float(0.5) }),
        of("Mish", "m", "y4"),
      ],
      outputs: outs(5, [4]),
      opset: 18,
    }),
  },
  {
    name: "Sin, Cos, Atan, Asinh, Sinh, Cosh; Asin and Atanh of inputs enforced inside their domains",
    model: graph({
      inputs: [
        ["x", [4]],
        ["u", [4]],
      ],
      consts: [["k", [], [3]]],
      nodes: [
        ["Mul", ["x", "k"], ["m"]],
        of("Sin", "x", "y0"),
        of("Cos", "x", "y1"),
        of("Atan", "m", "y2"),
        of("Asinh", "m", "y3"),
        of("Sinh", "x", "y4"),
        of("Cosh", "x", "y5"),
        of("Asin", "u", "y6"),
        of("Atanh", "u", "y7"),
      ],
      outputs: outs(8, [4]),
    }),
    // u: calibrated [-0.5, 0.25] = [-64, 32] at 2^7, enforced [-64, 63]: inside (-1, 1)
    opts: { ranges: { x: [-1, 1], u: [-0.5, 0.25] } },
    count: 30,
  },
  {
    name: "ArgMin, ReduceMin, ReduceL1, ReduceSumSquare, ReduceLogSumExp, GreaterOrEqual, LessOrEqual, global pools",
    model: graph({
      inputs: [
        ["x", [1, 2, 2, 2]],
        ["z", [1, 2, 2, 2]],
      ],
      nodes: [
        ["ArgMin", ["x"], ["y0"], { axis: attr.int(1), keepdims: attr.int(0) }],
        ["ReduceMin", ["x"], ["y1"], { axes: attr.ints([3]), keepdims: attr.int(0) }],
        ["ReduceL1", ["x"], ["y2"], { axes: attr.ints([3]), keepdims: attr.int(0) }],
        ["ReduceSumSquare", ["x"], ["y3"], { axes: attr.ints([3]), keepdims: attr.int(0) }],
        ["ReduceLogSumExp", ["x"], ["y4"], { axes: attr.ints([3]), keepdims: attr.int(0) }],
        ["GreaterOrEqual", ["x", "z"], ["y5"]],
        ["LessOrEqual", ["x", "z"], ["y6"]],
        ["GlobalAveragePool", ["x"], ["y7"]],
        ["GlobalMaxPool", ["z"], ["y8"]],
      ],
      outputs: [
        ["y0", [1, 2, 2], I],
        ["y1", [1, 2, 2]],
        ["y2", [1, 2, 2]],
        ["y3", [1, 2, 2]],
        ["y4", [1, 2, 2]],
        ["y5", [1, 2, 2, 2], DataType.BOOL],
        ["y6", [1, 2, 2, 2], DataType.BOOL],
        ["y7", [1, 2, 1, 1]],
        ["y8", [1, 2, 1, 1]],
      ],
    }),
    count: 30,
  },
  {
    name: "Mul of signals, Pow, Einsum, Sum, Mean, Neg",
    model: graph({
      inputs: [
        ["x", [2, 2]],
        ["z", [2, 2]],
      ],
      consts: [
        ["two", [], [2]],
        ["three", [], [3]],
      ],
      nodes: [
        ["Mul", ["x", "z"], ["y0"]],
        ["Pow", ["x", "two"], ["y1"]],
        ["Pow", ["z", "three"], ["y2"]],
        ["Einsum", ["x", "z"], ["y3"], { equation: "ij,jk->ik" }],
        ["Sum", ["x", "z", "y0"], ["y4"]],
        ["Mean", ["x", "z"], ["y5"]],
        of("Neg", "x", "y6"),
      ],
      outputs: outs(7, [2, 2]),
    }),
    opts: { ranges: { x: [-1, 1], z: [-0.5, 0.7] } },
    count: 30,
  },
  {
    name: "Concat, Slice, Transpose, Pad, Tile, Trilu, Resize, DepthToSpace, then Relu",
    model: graph({
      inputs: [["x", [1, 4, 2, 2]]],
      consts: [
        ["W", [2, 4], weights(41, 8)],
        ["starts", [1], [1], I],
        ["ends", [1], [3], I],
        ["axes", [1], [1], I],
        ["pads", [8], [0, 0, 1, 0, 0, 0, 0, 1], I],
        ["reps", [4], [1, 1, 1, 2], I],
        ["scales", [4], [1, 1, 2, 2]],
      ],
      nodes: [
        ["Concat", ["x", "x"], ["c"], { axis: attr.int(1) }],
        ["Slice", ["c", "starts", "ends", "axes"], ["s"]],
        ["Transpose", ["s"], ["t"], { perm: attr.ints([0, 1, 3, 2]) }],
        ["Pad", ["t", "pads"], ["p"]],
        ["Tile", ["p", "reps"], ["y0"]],
        ["Trilu", ["x"], ["y1"]],
        ["Resize", ["x", "", "scales"], ["y2"], { mode: "nearest" }],
        ["DepthToSpace", ["x"], ["d"], { blocksize: attr.int(2) }],
        of("Relu", "d", "y3"),
        ["MatMul", ["x", "W"], ["y4"]],
      ],
      outputs: [
        ["y0", [1, 2, 3, 6]],
        ["y1", [1, 4, 2, 2]],
        ["y2", [1, 4, 4, 4]],
        ["y3", [1, 1, 4, 4]],
        ["y4", [1, 4, 2, 4]],
      ],
      opset: 14,
    }),
    count: 20,
  },
  {
    name: "ScatterND by an int64 input inside the data (check dropped)",
    model: graph({
      inputs: [
        ["i", [2, 1], I],
        ["u", [2, 3]],
      ],
      consts: [["D", [4, 3], weights(42, 12)]],
      nodes: [["ScatterND", ["D", "i", "u"], ["y"], { reduction: "add" }]],
      outputs: [["y", [4, 3]]],
      opset: 16,
    }),
    // i: calibrated [0, 2], enforced [0, 3]: every enforced value is a row of D
    opts: { ranges: { i: [0, 2], u: [-1, 1] } },
    count: 30,
  },
];

describe("bounds over the enforced range: more ops", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_, cs) => {
    await runCase(cs);
  });
});

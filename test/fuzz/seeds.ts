/**
 * The models the fuzzer mutates: the bundled examples, and small models written with the ONNX builder
 * that cover integer and bool inputs, convolution, constant subgraphs, Softmax and IR 3 (initializers
 * listed as inputs). Every seed inspects cleanly before mutation (onnx-fuzz.test.ts checks it).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { attr, buildModel, DataType, node, tensorProto, valueInfo } from "../../src/1-decode/onnx-builder.js";
import { ROOT } from "../support/cli.js";

const F = DataType.FLOAT;
const ramp = (n: number, scale = 0.1): number[] => Array.from({ length: n }, (_, i) => ((i % 7) - 3) * scale);

const example = (name: string) => () =>
  new Uint8Array(readFileSync(join(ROOT, "examples", name, "model.onnx")));

/** Gemm → Relu → Gemm → Softmax. */
const mlp = () =>
  buildModel({
    inputs: [valueInfo("x", F, ["batch_size", 6])],
    outputs: [valueInfo("p", F, ["batch_size", 3])],
    initializers: [
      tensorProto("w1", [5, 6], ramp(30)),
      tensorProto("b1", [5], ramp(5), "float_data"),
      tensorProto("w2", [3, 5], ramp(15)),
    ],
    nodes: [
      node("Gemm", ["x", "w1", "b1"], ["h"], { transB: attr.int(1) }, "fc1"),
      node("Relu", ["h"], ["r"], {}, "relu"),
      node("Gemm", ["r", "w2"], ["z"], { transB: attr.int(1), alpha: attr.float(0.5) }, "fc2"),
      node("Softmax", ["z"], ["p"], { axis: attr.int(1) }, "softmax"),
    ],
  });

/** An int64 and a float input: integer Add/Mul, Cast to float, Mul with the float input. */
const ints = () =>
  buildModel({
    inputs: [valueInfo("k", DataType.INT64, [1, 4]), valueInfo("x", F, [1, 4])],
    outputs: [valueInfo("y", F, [1, 4])],
    initializers: [
      tensorProto("off", [4], [1, -2, 3, 0], "int64_data"),
      tensorProto("two", [1], [2], "raw", DataType.INT64),
    ],
    nodes: [
      node("Add", ["k", "off"], ["a"], {}, "add"),
      node("Mul", ["a", "two"], ["m"], {}, "mul"),
      node("Cast", ["m"], ["c"], { to: attr.int(DataType.FLOAT) }, "cast"),
      node("Mul", ["c", "x"], ["y"], {}, "mulx"),
    ],
  });

/** A bool input selecting between a float input and its negation. */
const bools = () =>
  buildModel({
    inputs: [valueInfo("b", DataType.BOOL, [1, 4]), valueInfo("x", F, [1, 4])],
    outputs: [valueInfo("y", F, [1, 4]), valueInfo("nb", DataType.BOOL, [1, 4])],
    nodes: [
      node("Not", ["b"], ["nb"], {}, "not"),
      node("Neg", ["x"], ["nx"], {}, "neg"),
      node("Where", ["nb", "x", "nx"], ["y"], {}, "where"),
    ],
  });

/** Conv → MaxPool → Flatten → MatMul. */
const conv = () =>
  buildModel({
    inputs: [valueInfo("img", F, [1, 1, 6, 6])],
    outputs: [valueInfo("out", F, [1, 2])],
    initializers: [
      tensorProto("cw", [2, 1, 3, 3], ramp(18)),
      tensorProto("cb", [2], [0.1, -0.1]),
      tensorProto("fw", [8, 2], ramp(16)),
    ],
    nodes: [
      node(
        "Conv",
        ["img", "cw", "cb"],
        ["c"],
        { kernel_shape: attr.ints([3, 3]), pads: attr.ints([0, 0, 0, 0]) },
        "conv",
      ),
      node("MaxPool", ["c"], ["p"], { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) }, "pool"),
      node("Flatten", ["p"], ["f"], { axis: attr.int(1) }, "flatten"),
      node("MatMul", ["f", "fw"], ["out"], {}, "fc"),
    ],
  });

/** A constant shape subgraph (Shape → Gather → Concat → Reshape), Transpose and a ReduceSum. */
const shapes = () =>
  buildModel({
    inputs: [valueInfo("x", F, ["batch_size", 2, 3])],
    outputs: [valueInfo("s", F, [1, 3])],
    initializers: [tensorProto("idx", [], [0], "int64_data"), tensorProto("tail", [1], [-1], "int64_data")],
    nodes: [
      node("Shape", ["x"], ["shp"], {}, "shape"),
      node("Gather", ["shp", "idx"], ["n"], { axis: attr.int(0) }, "gather"),
      node("Unsqueeze", ["n"], ["n1"], { axes: attr.ints([0]) }, "unsq"),
      node("Concat", ["n1", "tail"], ["newshape"], { axis: attr.int(0) }, "concat"),
      node("Reshape", ["x", "newshape"], ["flat"], {}, "reshape"),
      node(
        "Constant",
        [],
        ["perm_src"],
        { value: attr.tensor(tensorProto("", [3, 6], ramp(18), "float_data")) },
        "const",
      ),
      node("Transpose", ["perm_src"], ["t"], { perm: attr.ints([1, 0]) }, "transpose"),
      node("MatMul", ["flat", "t"], ["mm"], {}, "mm"),
      node("ReduceSum", ["mm"], ["s"], { keepdims: attr.int(1), axes: attr.ints([0]) }, "sum"),
    ],
    opset: 12,
  });

/** IR 3: the weight is listed as a graph input too (a constant of the model). */
const ir3 = () =>
  buildModel({
    inputs: [valueInfo("x", F, [1, 3]), valueInfo("w", F, [3, 2])],
    outputs: [valueInfo("y", F, [1, 2])],
    initializers: [tensorProto("w", [3, 2], ramp(6))],
    nodes: [node("MatMul", ["x", "w"], ["m"], {}, "mm"), node("Sigmoid", ["m"], ["y"], {}, "sig")],
    irVersion: 3,
    opset: 9,
  });

/** Shapes from constants: Expand, Tile, Pad, ConstantOfShape, Slice and Resize (sizes a mutation can blow up). */
const expand = () =>
  buildModel({
    inputs: [valueInfo("x", F, [1, 1, 2, 2])],
    outputs: [valueInfo("y", F), valueInfo("z", F)],
    initializers: [
      tensorProto("shape", [4], [1, 2, 2, 2], "int64_data"),
      tensorProto("reps", [4], [1, 1, 2, 1], "int64_data"),
      tensorProto("pads", [8], [0, 0, 1, 0, 0, 0, 0, 1], "int64_data"),
      tensorProto("cshape", [2], [1, 3], "int64_data"),
      tensorProto("starts", [1], [1], "int64_data"),
      tensorProto("ends", [1], [4], "int64_data"),
      tensorProto("sizes", [4], [1, 1, 6, 4], "int64_data"),
    ],
    nodes: [
      node("Expand", ["x", "shape"], ["e"], {}, "expand"),
      node("Tile", ["e", "reps"], ["t"], {}, "tile"),
      node("Pad", ["t", "pads"], ["p"], { mode: "constant" }, "pad"),
      node("Slice", ["p", "starts", "ends", "starts"], ["y"], {}, "slice"),
      node("ConstantOfShape", ["cshape"], ["c"], { value: attr.tensor(tensorProto("", [1], [0.5])) }, "cos"),
      node("Resize", ["x", "", "", "sizes"], ["r"], { mode: "nearest" }, "resize"),
      node("ReduceMean", ["r"], ["rm"], { axes: attr.ints([2, 3]), keepdims: attr.int(0) }, "mean"),
      node("Mul", ["rm", "c"], ["z"], {}, "mul"),
    ],
  });

/** Seed name → bytes, with how often the fuzzer picks it (the examples cost more per case). */
export const SEEDS: { name: string; weight: number; bytes: () => Uint8Array }[] = [
  { name: "tiny", weight: 18, bytes: example("tiny") },
  { name: "mnist_mlp", weight: 8, bytes: example("mnist_mlp") },
  { name: "lenet5", weight: 6, bytes: example("lenet5") },
  { name: "mlp", weight: 14, bytes: mlp },
  { name: "ints", weight: 12, bytes: ints },
  { name: "bools", weight: 10, bytes: bools },
  { name: "conv", weight: 12, bytes: conv },
  { name: "shapes", weight: 12, bytes: shapes },
  { name: "ir3", weight: 8, bytes: ir3 },
  { name: "expand", weight: 12, bytes: expand },
];

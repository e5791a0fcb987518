/**
 * What the conformance harness measures: issue 3's operator list, in one table. An ONNX node test is in
 * scope when every node that must run in the circuit (not folded from constants) has an op in this table,
 * and no tensor has a type a fixed-point compiler cannot hold (see `classify` in classify.ts).
 *
 * `constInputs` are the inputs the harness binds as initializers from the test data (CONFORMANCE.md,
 * "Harness policy"): inputs that are attributes in other opsets (shapes, axes, indices, pads, repeats,
 * scales) or that issue 3 defines as constants. Every other input stays a circuit input.
 */
export interface OpScope {
  /** Issue 3's section. */
  group: string;
  /** Input indices the op needs at compile time. */
  constInputs?: number[];
  /** Scope restriction, quoted from issue 3 or explaining a binding. */
  note?: string;
  /** Only folded at compile time (Cast, Shape, ...): in scope only when its inputs are constants. */
  compileTimeOnly?: boolean;
  /** A reason the node is out of scope despite its op being listed (e.g. Resize modes other than nearest). */
  outOfScope?: (attrs: ReadonlyMap<string, string | number>) => string | undefined;
}

const CONV = "convolution and pooling";
const NORM = "normalization";
const ELEM = "elementwise";
const ACT = "activations";
const SOFT = "softmax";
const RED = "reductions and selection";
const MOVE = "shape and data movement";
const FOLD = "compile-time evaluation";
const CMP = "comparisons and logic";
const MM = "matmul";
const BASE = "foundation (issue 1)";
/** Ops zkmlc supports beyond issue 3's list: measured too, so their coverage is visible. */
const EXTRA = "beyond issue 3";

const REDUCE: OpScope = { group: RED, constInputs: [1], note: "axes input (opset 13/18) bound" };
const nearestOnly = (attrs: ReadonlyMap<string, string | number>): string | undefined => {
  const mode = attrs.get("mode");
  return mode === undefined || mode === "nearest"
    ? undefined
    : `mode "${mode}": issue 3 scopes Resize/Upsample to nearest`;
};

export const OP_SCOPE: ReadonlyMap<string, OpScope> = new Map<string, OpScope>([
  ["Conv", { group: CONV }],
  ["ConvTranspose", { group: CONV }],
  ["MaxPool", { group: CONV }],
  ["AveragePool", { group: CONV }],
  ["GlobalAveragePool", { group: CONV }],
  ["GlobalMaxPool", { group: CONV }],
  [
    "BatchNormalization",
    {
      group: NORM,
      constInputs: [1, 2, 3, 4],
      note: "scale, B, mean, var bound: issue 3 folds BatchNormalization or makes it an affine op",
    },
  ],
  ["InstanceNormalization", { group: NORM }],
  ["LayerNormalization", { group: NORM }],
  ...["Add", "Sub", "Mul", "Div", "Sum", "Mean", "Max", "Min", "Neg", "Abs", "Sign", "Clip"].map(
    (op): [string, OpScope] => [op, { group: ELEM }],
  ),
  ["Pow", { group: ELEM, constInputs: [1], note: "exponent bound: issue 3 scopes Pow to integer exponents" }],
  ...["Sqrt", "Reciprocal", "Floor", "Ceil", "Round"].map((op): [string, OpScope] => [op, { group: ELEM }]),
  ...[
    "Relu",
    "LeakyRelu",
    "PRelu",
    "Elu",
    "Selu",
    "Celu",
    "HardSigmoid",
    "HardSwish",
    "Sigmoid",
    "Tanh",
    "Softplus",
    "Softsign",
    "Erf",
    "Gelu",
    "Exp",
    "Log",
    "Mish",
  ].map((op): [string, OpScope] => [op, { group: ACT }]),
  ["Softmax", { group: SOFT }],
  ["LogSoftmax", { group: SOFT }],
  ["ReduceSum", REDUCE],
  ["ReduceMean", REDUCE],
  ["ReduceMax", REDUCE],
  ["ReduceMin", REDUCE],
  ["ReduceL1", REDUCE],
  ["ReduceL2", REDUCE],
  ["ArgMax", { group: RED }],
  ["ArgMin", { group: RED }],
  ["TopK", { group: RED, constInputs: [1], note: "K bound (issue 3: small k)" }],
  ["Reshape", { group: MOVE, constInputs: [1], note: "shape bound" }],
  ["Flatten", { group: MOVE }],
  ["Transpose", { group: MOVE }],
  ["Concat", { group: MOVE }],
  ["Split", { group: MOVE, constInputs: [1], note: "split sizes bound" }],
  ["Slice", { group: MOVE, constInputs: [1, 2, 3, 4], note: "starts, ends, axes, steps bound" }],
  ["Gather", { group: MOVE, constInputs: [1], note: "indices bound (issue 3: constant indices)" }],
  ["GatherElements", { group: MOVE, constInputs: [1], note: "indices bound (issue 3: constant indices)" }],
  ["Squeeze", { group: MOVE, constInputs: [1], note: "axes bound" }],
  ["Unsqueeze", { group: MOVE, constInputs: [1], note: "axes bound" }],
  ["Pad", { group: MOVE, constInputs: [1, 2, 3], note: "pads, constant_value, axes bound" }],
  ["Expand", { group: MOVE, constInputs: [1], note: "shape bound" }],
  ["Tile", { group: MOVE, constInputs: [1, 2], note: "repeats bound" }],
  ["DepthToSpace", { group: MOVE }],
  ["SpaceToDepth", { group: MOVE }],
  [
    "Resize",
    { group: MOVE, constInputs: [1, 2, 3], note: "roi, scales, sizes bound", outOfScope: nearestOnly },
  ],
  ["Upsample", { group: MOVE, constInputs: [1], note: "scales bound", outOfScope: nearestOnly }],
  ["Identity", { group: MOVE }],
  ["Dropout", { group: MOVE, constInputs: [1, 2], note: "ratio, training_mode bound" }],
  ["Shape", { group: FOLD, compileTimeOnly: true }],
  ["ConstantOfShape", { group: FOLD, constInputs: [0], compileTimeOnly: true }],
  ["Range", { group: FOLD, constInputs: [0, 1, 2], compileTimeOnly: true }],
  ["Cast", { group: FOLD, compileTimeOnly: true, note: "issue 3: Cast of constants" }],
  ...["Equal", "Greater", "Less", "GreaterOrEqual", "LessOrEqual", "Not", "And", "Or", "Xor", "Where"].map(
    (op): [string, OpScope] => [op, { group: CMP }],
  ),
  ["MatMul", { group: MM }],
  ["Einsum", { group: MM, note: "issue 3: matmul-like equations" }],
  ["Gemm", { group: BASE }],
  ["Constant", { group: BASE }],
  ["Trilu", { group: EXTRA, constInputs: [1], note: "k bound" }],
  ["OneHot", { group: EXTRA, constInputs: [1, 2], note: "depth, values bound" }],
  ["LSTM", { group: EXTRA, constInputs: [4], note: "sequence_lens bound" }],
  ["GRU", { group: EXTRA, constInputs: [4], note: "sequence_lens bound" }],
  ["RNN", { group: EXTRA, constInputs: [4], note: "sequence_lens bound" }],
  ...["GatherND", "ScatterElements", "Scatter", "ScatterND"].map((op): [string, OpScope] => [
    op,
    {
      group: EXTRA,
      constInputs: [1],
      note: "indices bound, as Gather's (computed indices: unit tests, EZKL)",
    },
  ]),
  ...["Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh"].map(
    (op): [string, OpScope] => [op, { group: EXTRA }],
  ),
]);

/** Element types outside the scope of a fixed-point compiler (issue 3), by TensorProto.DataType number. */
export const OUT_OF_SCOPE_DTYPES: ReadonlyMap<number, string> = new Map([
  [8, "string"],
  [14, "complex64"],
  [15, "complex128"],
  [16, "bfloat16"],
  [17, "float8e4m3fn"],
  [18, "float8e4m3fnuz"],
  [19, "float8e5m2"],
  [20, "float8e5m2fnuz"],
  [21, "uint4"],
  [22, "int4"],
  [23, "float4e2m1"],
  [24, "float8e8m0"],
  [25, "uint2"],
  [26, "int2"],
]);

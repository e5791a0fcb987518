import { describe, expect, it } from "vitest";
import { checkAgainstFloat, checkCircuit, rng, singleOp, uniform } from "../../../test/support/op-check.js";
import {
  type AttrValue,
  attr,
  buildModel,
  DataType,
  node,
  tensorProto,
  valueInfo,
} from "../../1-decode/onnx-builder.js";
import { bitsSigned } from "../rounding.js";

const r = rng(5);
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
const samples = (n: number, len: number, lo = -1, hi = 1) =>
  Array.from({ length: n }, () => [uniform(r, len, lo, hi)]);

function pool(x: number[], y: number[], attrs: Record<string, AttrValue>, opset = 13): Uint8Array {
  return singleOp({ op: "MaxPool", inputs: [["x", x]], attrs, output: y, opset });
}

describe("MaxPool", () => {
  it("2×2 stride 2: the max of each window, at the input's scale and error", async () => {
    const { plan, maxError, errorBound } = await checkAgainstFloat(
      pool([1, 2, 6, 6], [1, 2, 3, 3], { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) }),
      samples(10, 72),
    );
    expect(plan.tensors.at(-1)?.scale).toBe(7);
    expect(errorBound).toBe(2 ** -8); // max is 1-Lipschitz: the input's rounding error, nothing added
    expect(maxError).toBeLessThanOrEqual(errorBound);
  });

  it.each([
    [
      "pads (padding is left out, not zeros: all-negative inputs)",
      [1, 1, 5, 5],
      [1, 1, 5, 5],
      { kernel_shape: attr.ints([3, 3]), pads: attr.ints([1, 1, 1, 1]) },
    ],
    [
      "asymmetric pads and strides",
      [1, 1, 7, 5],
      [1, 1, 4, 2],
      { kernel_shape: attr.ints([3, 3]), pads: attr.ints([1, 0, 1, 0]), strides: attr.ints([2, 2]) },
    ],
    [
      "ceil_mode",
      [1, 1, 4, 4],
      [1, 1, 2, 2],
      { kernel_shape: attr.ints([3, 3]), strides: attr.ints([2, 2]), ceil_mode: attr.int(1) },
    ],
    [
      "ceil_mode, the last window starting in the input",
      [1, 1, 5, 5],
      [1, 1, 3, 3],
      { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]), ceil_mode: attr.int(1) },
    ],
    [
      "dilations",
      [1, 1, 5, 5],
      [1, 1, 3, 3],
      { kernel_shape: attr.ints([2, 2]), dilations: attr.ints([2, 2]) },
    ],
    [
      "auto_pad SAME_UPPER",
      [1, 1, 5, 5],
      [1, 1, 3, 3],
      { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]), auto_pad: "SAME_UPPER" },
    ],
    [
      "auto_pad SAME_LOWER",
      [1, 1, 5, 5],
      [1, 1, 5, 5],
      { kernel_shape: attr.ints([2, 2]), auto_pad: "SAME_LOWER" },
    ],
    [
      "auto_pad VALID",
      [1, 1, 5, 5],
      [1, 1, 2, 2],
      { kernel_shape: attr.ints([3, 3]), strides: attr.ints([2, 2]), auto_pad: "VALID" },
    ],
    ["1-D", [1, 2, 9], [1, 2, 4], { kernel_shape: attr.ints([3]), strides: attr.ints([2]) }],
    [
      "3-D, storage_order=1",
      [1, 1, 4, 4, 4],
      [1, 1, 2, 2, 2],
      { kernel_shape: attr.ints([2, 2, 2]), strides: attr.ints([2, 2, 2]), storage_order: attr.int(1) },
    ],
  ] as [string, number[], number[], Record<string, AttrValue>][])("%s", async (_what, x, y, attrs) => {
    const { plan } = await checkAgainstFloat(pool(x, y, attrs), samples(6, size(x), -1, -0.2));
    expect(plan.outputs[0]?.shape).toEqual(y);
  });

  it("after a Conv, compares at the convolution's wide scale without rescaling first", async () => {
    const bytes = buildModel({
      nodes: [
        node("Conv", ["x", "W"], ["c"], {}, "conv"),
        node("MaxPool", ["c"], ["y"], { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) }, "n0"),
      ],
      initializers: [tensorProto("W", [2, 1, 3, 3], uniform(r, 18, -0.5, 0.5))],
      inputs: [valueInfo("x", DataType.FLOAT, [1, 1, 6, 6])],
      outputs: [valueInfo("y", DataType.FLOAT, [1, 2, 2, 2])],
    });
    const { plan } = await checkAgainstFloat(bytes, samples(6, 36));
    expect(plan.nodes[1]?.prims.map((p) => p.kind)).toEqual(["max"]);
    expect(plan.tensors.at(-1)?.scale).toBe(14);
  });

  it("compiles to a circuit of (k−1)·(width+1) constraints per output", { tags: ["heavy"] }, async () => {
    const bytes = pool([1, 1, 4, 4], [1, 1, 2, 2], {
      kernel_shape: attr.ints([2, 2]),
      strides: attr.ints([2, 2]),
    });
    const { plan } = await checkAgainstFloat(bytes, samples(3, 16));
    const x = plan.tensors[0];
    const lo = x?.lo[0] ?? 0n;
    const hi = x?.hi[0] ?? 0n;
    const width = bitsSigned(lo - hi, hi - lo); // every difference of two inputs
    const { constraints } = await checkCircuit(bytes, samples(3, 16));
    expect(constraints).toBe(16 * 9 + 4 * 3 * (width + 1));
  });

  it("two pools in one circuit, the second with padding (windows of 2 and 4 elements)", {
    tags: ["heavy"],
  }, async () => {
    const bytes = buildModel({
      nodes: [
        node("MaxPool", ["x"], ["a"], { kernel_shape: attr.ints([2, 2]) }, "p1"),
        node(
          "MaxPool",
          ["a"],
          ["y"],
          { kernel_shape: attr.ints([2, 2]), pads: attr.ints([1, 0, 0, 1]) },
          "n0",
        ),
      ],
      inputs: [valueInfo("x", DataType.FLOAT, [1, 1, 4, 4])],
      outputs: [valueInfo("y", DataType.FLOAT, [1, 1, 3, 3])],
    });
    await checkAgainstFloat(bytes, samples(4, 16));
    await checkCircuit(bytes, samples(2, 16)); // witness == reference, r1cs satisfied, count == estimate
  });

  it("rejects the Indices output, bad storage_order/ceil_mode, a missing kernel_shape and windows in the padding", async () => {
    const withIndices = buildModel({
      nodes: [node("MaxPool", ["x"], ["y", "i"], { kernel_shape: attr.ints([2, 2]) }, "n0")],
      inputs: [valueInfo("x", DataType.FLOAT, [1, 1, 4, 4])],
      outputs: [valueInfo("y", DataType.FLOAT, [1, 1, 3, 3]), valueInfo("i", DataType.INT64, [1, 1, 3, 3])],
    });
    await expect(checkAgainstFloat(withIndices, [])).rejects.toMatchObject({
      code: "unsupported-op",
      node: { name: "n0", opType: "MaxPool" },
      message: expect.stringMatching(/Indices/),
    });
    const bad = async (attrs: Record<string, AttrValue>, msg: RegExp) => {
      await expect(checkAgainstFloat(pool([1, 1, 4, 4], [1, 1, 2, 2], attrs), [])).rejects.toMatchObject({
        code: "bad-attribute",
        message: expect.stringMatching(msg),
      });
    };
    await bad({ kernel_shape: attr.ints([2, 2]), storage_order: attr.int(2) }, /storage_order/);
    await bad({ kernel_shape: attr.ints([2, 2]), ceil_mode: attr.int(2) }, /ceil_mode/);
    await bad({}, /kernel_shape is required/);
    await bad({ kernel_shape: attr.ints([1, 1]), pads: attr.ints([1, 1, 1, 1]) }, /entirely in the padding/);
  });
});

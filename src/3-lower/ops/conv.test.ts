import { describe, expect, it } from "vitest";
import {
  checkAgainstFloat,
  checkCircuit,
  FIXED,
  rng,
  singleOp,
  uniform,
} from "../../../test/support/op-check.js";
import {
  type AttrValue,
  attr,
  buildModel,
  DataType,
  node,
  tensorProto,
  valueInfo,
} from "../../1-decode/onnx-builder.js";

const r = rng(3);
const samples = (n: number, size: number) => Array.from({ length: n }, () => [uniform(r, size)]);
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** One Conv node with constant weights W [M, C/group, k...] and an optional bias. */
function convModel(o: {
  x: number[];
  w: number[];
  y: number[];
  attrs?: Record<string, AttrValue>;
  bias?: boolean;
}): Uint8Array {
  const weights: [string, number[], Float64Array][] = [["W", o.w, uniform(r, size(o.w), -0.5, 0.5)]];
  if (o.bias) weights.push(["B", [o.w[0] as number], uniform(r, o.w[0] as number, -0.5, 0.5)]);
  return singleOp({ op: "Conv", inputs: [["x", o.x]], weights, attrs: o.attrs ?? {}, output: o.y });
}

describe("Conv", () => {
  it("2-D with pads, strides and bias: reference within the proven error bound of onnxruntime", async () => {
    const model = convModel({
      x: [1, 2, 7, 6],
      w: [3, 2, 3, 3],
      y: [1, 3, 4, 3],
      bias: true,
      attrs: { pads: attr.ints([1, 0, 1, 1]), strides: attr.ints([2, 2]) },
    });
    const { plan, maxError, errorBound } = await checkAgainstFloat(model, samples(10, 84));
    expect(plan.tensors.at(-1)?.scale).toBe(14); // input 7 + param 7
    expect(errorBound).toBeLessThan(0.25);
    expect(maxError).toBeLessThanOrEqual(errorBound);
  });

  // onnxruntime rejects dilations with SAME_*: those run with strides only.
  it.each([
    ["SAME_UPPER", [1, 1], [1, 1, 4, 3]],
    ["SAME_LOWER", [1, 1], [1, 1, 4, 3]],
    ["VALID", [2, 2], [1, 1, 3, 1]],
  ])("auto_pad=%s with strides 2, dilations %j", async (mode, dilations, y) => {
    const model = convModel({
      x: [1, 1, 7, 6],
      w: [1, 1, 2, 3],
      y,
      attrs: { auto_pad: mode, strides: attr.ints([2, 2]), dilations: attr.ints(dilations) },
    });
    const { plan } = await checkAgainstFloat(model, samples(8, 42));
    expect(plan.outputs[0]?.shape).toEqual(y);
  });

  it("groups: group=2 and depthwise (group = channels, channel multiplier 2)", async () => {
    await checkAgainstFloat(
      convModel({
        x: [1, 4, 5, 5],
        w: [6, 2, 3, 3],
        y: [1, 6, 3, 3],
        bias: true,
        attrs: { group: attr.int(2) },
      }),
      samples(6, 100),
    );
    await checkAgainstFloat(
      convModel({
        x: [1, 3, 5, 5],
        w: [6, 1, 3, 3],
        y: [1, 6, 5, 5],
        attrs: { group: attr.int(3), pads: attr.ints([1, 1, 1, 1]) },
      }),
      samples(6, 75),
    );
  });

  it("1-D and 3-D, batch of 2, kernel_shape given", async () => {
    await checkAgainstFloat(
      convModel({
        x: [2, 2, 9],
        w: [3, 2, 4],
        y: [2, 3, 3],
        attrs: { kernel_shape: attr.ints([4]), strides: attr.ints([2]) },
      }),
      samples(6, 36),
    );
    await checkAgainstFloat(
      convModel({
        x: [1, 2, 4, 3, 5],
        w: [2, 2, 2, 2, 3],
        y: [1, 2, 3, 2, 4],
        bias: true,
        attrs: { pads: attr.ints([0, 0, 1, 0, 0, 0]) },
      }),
      samples(6, 120),
    );
  });

  it("a coarse param scale: the weight-quantization error term keeps the bound honest", async () => {
    const model = convModel({ x: [1, 2, 6, 6], w: [4, 2, 3, 3], y: [1, 4, 4, 4], bias: true });
    const { maxError, errorBound } = await checkAgainstFloat(model, samples(10, 72), {
      ...FIXED,
      paramScale: 3,
    });
    // With 2^-3 weights the error is mostly weight rounding: it must show up and stay within the bound.
    expect(maxError).toBeGreaterThan(0.02);
    expect(maxError).toBeLessThanOrEqual(errorBound);
  });

  it("weights as a graph input: one product constraint per multiply-accumulate", {
    tags: ["heavy"],
  }, async () => {
    const model = singleOp({
      op: "Conv",
      inputs: [
        ["x", [1, 1, 4, 4]],
        ["w", [2, 1, 2, 2]],
      ],
      attrs: { strides: attr.ints([2, 2]) },
      output: [1, 2, 2, 2],
    });
    const s = () => [uniform(r, 16), uniform(r, 8)];
    await checkAgainstFloat(model, [s(), s(), s(), s()]);
    const { constraints } = await checkCircuit(model, [s(), s()]);
    expect(constraints).toBe((16 + 8) * 9 + 2 * 4 * 4); // 9-bit input checks, 32 products
  });

  it("compiles to a circuit: free with constant weights, the witness matches the reference", {
    tags: ["heavy"],
  }, async () => {
    // Conv -> Relu, so the outputs are not linear in the inputs (a linear output would leave a
    // linear constraint between public signals that --O2 cannot remove).
    const model = buildModel({
      nodes: [
        node("Conv", ["x", "W", "B"], ["c"], { pads: attr.ints([1, 1, 1, 1]) }, "n0"),
        node("Relu", ["c"], ["y"], {}, "n1"),
      ],
      initializers: [
        tensorProto("W", [2, 1, 3, 3], uniform(r, 18, -0.5, 0.5)),
        tensorProto("B", [2], uniform(r, 2)),
      ],
      inputs: [valueInfo("x", DataType.FLOAT, [1, 1, 4, 4])],
      outputs: [valueInfo("y", DataType.FLOAT, [1, 2, 4, 4])],
    });
    const { plan } = await checkAgainstFloat(model, samples(5, 16));
    const relu = plan.nodes[1]?.prims[0];
    const reluCost = relu?.kind === "rescale" ? relu.bits.reduce((a, b) => a + b + 1, 0) : Number.NaN;
    const { constraints } = await checkCircuit(model, samples(3, 16));
    expect(constraints).toBe(16 * 9 + reluCost); // input range checks + the ReLU rescales; the Conv is free
  });

  it("rejects bad groups, kernel_shape, auto_pad, pads and shapes, naming the node", async () => {
    const bad = async (o: Parameters<typeof convModel>[0], code: string, msg: RegExp) => {
      await expect(checkAgainstFloat(convModel(o), [])).rejects.toMatchObject({
        code,
        node: { name: "n0", opType: "Conv" },
        message: expect.stringMatching(msg),
      });
    };
    await bad(
      { x: [1, 3, 5, 5], w: [4, 1, 3, 3], y: [1, 4, 3, 3], attrs: { group: attr.int(3) } },
      "bad-attribute",
      /group=3/,
    );
    await bad(
      { x: [1, 4, 5, 5], w: [4, 1, 3, 3], y: [1, 4, 3, 3], attrs: { group: attr.int(2) } },
      "bad-shape",
      /input channels per group/,
    );
    await bad(
      { x: [1, 1, 5, 5], w: [1, 1, 3, 3], y: [1, 1, 3, 3], attrs: { kernel_shape: attr.ints([2, 2]) } },
      "bad-attribute",
      /kernel_shape/,
    );
    await bad(
      { x: [1, 1, 5, 5], w: [1, 1, 3, 3], y: [1, 1, 3, 3], attrs: { auto_pad: "SAME" } },
      "bad-attribute",
      /auto_pad/,
    );
    await bad(
      { x: [1, 1, 5, 5], w: [1, 1, 3, 3], y: [1, 1, 3, 3], attrs: { pads: attr.ints([1, 1]) } },
      "bad-attribute",
      /pads/,
    );
    await bad(
      { x: [1, 1, 5, 5], w: [1, 1, 3, 3], y: [1, 1, 3, 3], attrs: { strides: attr.ints([0, 1]) } },
      "bad-attribute",
      /strides/,
    );
    await bad({ x: [1, 1, 2, 2], w: [1, 1, 3, 3], y: [1, 1, 1, 1] }, "bad-shape", /does not fit/);
    await bad({ x: [1, 1, 5, 5], w: [1, 1, 3], y: [1, 1, 3] }, "bad-shape", /equal rank/);
  });
});

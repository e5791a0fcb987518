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

const r = rng(4);
const samples = (n: number, size: number) => Array.from({ length: n }, () => [uniform(r, size)]);
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** One ConvTranspose node with constant weights W [C, M/group, k...] and an optional bias. */
function model(o: {
  x: number[];
  w: number[];
  y: number[];
  attrs?: Record<string, AttrValue>;
  bias?: number;
}): Uint8Array {
  const weights: [string, number[], Float64Array][] = [["W", o.w, uniform(r, size(o.w), -0.5, 0.5)]];
  if (o.bias) weights.push(["B", [o.bias], uniform(r, o.bias, -0.5, 0.5)]);
  return singleOp({ op: "ConvTranspose", inputs: [["x", o.x]], weights, attrs: o.attrs ?? {}, output: o.y });
}

describe("ConvTranspose", () => {
  it("2-D with bias: reference within the proven error bound of onnxruntime, scale s_x + s_param", async () => {
    const m = model({ x: [1, 2, 3, 3], w: [2, 3, 3, 3], y: [1, 3, 5, 5], bias: 3 });
    const { plan, maxError, errorBound } = await checkAgainstFloat(m, samples(10, 18));
    expect(plan.tensors.at(-1)?.scale).toBe(14);
    expect(plan.outputs[0]?.shape).toEqual([1, 3, 5, 5]);
    expect(maxError).toBeLessThanOrEqual(errorBound);
  });

  it.each([
    ["strides and pads", { strides: attr.ints([3, 2]), pads: attr.ints([1, 2, 1, 2]) }, [1, 2, 7, 3]],
    ["output_padding", { strides: attr.ints([3, 2]), output_padding: attr.ints([1, 1]) }, [1, 2, 10, 8]],
    ["output_shape", { strides: attr.ints([3, 2]), output_shape: attr.ints([10, 8]) }, [1, 2, 10, 8]],
    ["dilations", { dilations: attr.ints([2, 2]) }, [1, 2, 7, 7]],
    ["auto_pad SAME_UPPER", { auto_pad: "SAME_UPPER", strides: attr.ints([2, 2]) }, [1, 2, 6, 6]],
    ["auto_pad SAME_LOWER", { auto_pad: "SAME_LOWER", strides: attr.ints([2, 2]) }, [1, 2, 6, 6]],
  ])("%s", async (_what, attrs, y) => {
    const { plan } = await checkAgainstFloat(
      model({ x: [1, 1, 3, 3], w: [1, 2, 3, 3], y, attrs }),
      samples(6, 9),
    );
    expect(plan.outputs[0]?.shape).toEqual(y);
  });

  it("group=2 with a batch of 2, and 1-D", async () => {
    await checkAgainstFloat(
      model({ x: [2, 4, 3, 3], w: [4, 1, 3, 3], y: [2, 2, 5, 5], bias: 2, attrs: { group: attr.int(2) } }),
      samples(4, 72),
    );
    await checkAgainstFloat(
      model({ x: [1, 1, 4], w: [1, 2, 3], y: [1, 2, 9], attrs: { strides: attr.ints([2]) } }),
      samples(4, 4),
    );
  });

  it("compiles to a circuit (followed by Relu): the transposed convolution itself is free", {
    tags: ["heavy"],
  }, async () => {
    const bytes = buildModel({
      nodes: [
        node("ConvTranspose", ["x", "W"], ["c"], { strides: attr.ints([2, 2]) }, "n0"),
        node("Relu", ["c"], ["y"], {}, "n1"),
      ],
      initializers: [tensorProto("W", [1, 1, 2, 2], uniform(r, 4, -0.5, 0.5))],
      inputs: [valueInfo("x", DataType.FLOAT, [1, 1, 2, 2])],
      outputs: [valueInfo("y", DataType.FLOAT, [1, 1, 4, 4])],
    });
    const { plan } = await checkAgainstFloat(bytes, samples(4, 4));
    const relu = plan.nodes[1]?.prims[0];
    const reluCost = relu?.kind === "rescale" ? relu.bits.reduce((a, b) => a + b + 1, 0) : Number.NaN;
    const { constraints } = await checkCircuit(bytes, samples(2, 4));
    expect(constraints).toBe(4 * 9 + reluCost);
  });

  it("rejects bad output_padding, output_shape, channels and group, naming the node", async () => {
    const bad = async (o: Parameters<typeof model>[0], code: string, msg: RegExp) => {
      await expect(checkAgainstFloat(model(o), [])).rejects.toMatchObject({
        code,
        node: { name: "n0", opType: "ConvTranspose" },
        message: expect.stringMatching(msg),
      });
    };
    const base = { x: [1, 1, 3, 3], w: [1, 2, 3, 3], y: [1, 2, 5, 5] };
    await bad({ ...base, attrs: { output_padding: attr.ints([1, 1]) } }, "bad-attribute", /output_padding/);
    await bad({ ...base, attrs: { output_shape: attr.ints([5]) } }, "bad-attribute", /output_shape/);
    await bad({ ...base, w: [2, 2, 3, 3] }, "bad-shape", /input channels/);
    await bad({ ...base, attrs: { group: attr.int(2) } }, "bad-attribute", /group=2/);
  });
});

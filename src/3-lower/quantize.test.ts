import { describe, expect, it } from "vitest";
import { checkAgainstFloat, checkCircuit, rng, uniform } from "../../test/support/op-check.js";
import { buildModel, DataType, node, tensorProto, valueInfo } from "../1-decode/onnx-builder.js";

const r = rng(11);

/** A chain of `depth` linear layers with no activation: the scale grows by the param scale per layer. */
function linearChain(depth: number, width: number): Uint8Array {
  const nodes = Array.from({ length: depth }, (_, i) =>
    node("MatMul", [i === 0 ? "x" : `h${i}`, `W${i}`], [i === depth - 1 ? "y" : `h${i + 1}`], {}, `mm${i}`),
  );
  return buildModel({
    nodes,
    initializers: Array.from({ length: depth }, (_, i) =>
      tensorProto(`W${i}`, [width, width], uniform(r, width * width, -0.7, 0.7)),
    ),
    inputs: [valueInfo("x", DataType.FLOAT, [1, width])],
    outputs: [valueInfo("y", DataType.FLOAT, [1, width])],
  });
}

describe("quantize", () => {
  it("brings a value back to the working scale before it outgrows 128 bits (bare Rescale, rounding half away)", {
    tags: ["heavy"],
  }, async () => {
    const opts = { inputRange: [-1, 1] as [number, number], inputScale: 8, paramScale: 30 };
    const model = linearChain(5, 3);
    const samples = Array.from({ length: 10 }, () => [uniform(r, 3)]);
    const { plan } = await checkAgainstFloat(model, samples, opts);
    const rescales = plan.nodes.flatMap((n) => n.prims).filter((p) => p.kind === "rescale");
    expect(rescales.length).toBeGreaterThan(0);
    expect(rescales.every((p) => p.kind === "rescale" && !p.relu)).toBe(true);
    const { constraints } = await checkCircuit(model, samples.slice(0, 3), opts);
    expect(constraints).toBeGreaterThan(3 * 10);
  });

  it("refuses a layer whose values could exceed the 252-bit field-safe width, naming the node", async () => {
    const big = buildModel({
      nodes: [node("MatMul", ["x", "W"], ["y"], {}, "huge")],
      initializers: [tensorProto("W", [2, 2], [1e30, -1e30, 1e30, 1e30])],
      inputs: [valueInfo("x", DataType.FLOAT, [1, 2])],
      outputs: [valueInfo("y", DataType.FLOAT, [1, 2])],
    });
    await expect(
      checkAgainstFloat(big, [], { inputRange: [-1e30, 1e30], inputScale: 40, paramScale: 60 }),
    ).rejects.toMatchObject({
      code: "field-overflow",
      node: { name: "huge", opType: "MatMul" },
    });
  });

  it("refuses NaN weights with the node that holds them", async () => {
    const nan = buildModel({
      nodes: [node("MatMul", ["x", "W"], ["y"], {}, "mm")],
      initializers: [tensorProto("W", [2, 1], [1, Number.NaN])],
      inputs: [valueInfo("x", DataType.FLOAT, [1, 2])],
      outputs: [valueInfo("y", DataType.FLOAT, [1, 1])],
    });
    await expect(checkAgainstFloat(nan, [])).rejects.toMatchObject({
      code: "non-finite",
      node: { name: "mm" },
    });
  });
});

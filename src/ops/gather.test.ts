import { describe, expect, it } from "vitest";
import { opModel, samples } from "../../test/support/data-movement.js";
import { checkAgainstFloat, checkCircuit, rng, uniform } from "../../test/support/op-check.js";
import { attr, buildModel, DataType, node, tensorProto, valueInfo } from "../1-decode/onnx-builder.js";

const r = rng(25);

function gatherModel(indices: number[], dims: number[], axis?: number, after?: string) {
  return opModel({
    op: "Gather",
    inputs: [["x", [3, 4, 2]]],
    consts: [["i", dims, indices]],
    attrs: axis === undefined ? {} : { axis: attr.int(axis) },
    after,
  });
}

describe("Gather", () => {
  it.each([
    ["axis 0, vector", [2, 0], [2], undefined, [2, 4, 2]],
    ["axis 1, 2-D indices", [0, 1, 3, 3, 2, 1], [2, 3], 1, [3, 2, 3, 2]],
    ["axis -1, scalar index", [1], [], -1, [3, 4]],
    ["negative indices", [-1, -3, 0], [3], 1, [3, 3, 2]],
  ])("%s", async (_, indices, dims, axis, out) => {
    const { plan, maxError } = await checkAgainstFloat(
      gatherModel(indices, dims, axis),
      samples(r, [[3, 4, 2]]),
    );
    expect(plan.outputs[0]?.shape).toEqual(out);
    expect(maxError).toBeLessThanOrEqual(2 ** -8);
  });

  it("compiles repeated rows (here followed by a Relu)", async () => {
    const m = gatherModel([0, 2, 0], [3], 0, "Relu");
    await checkCircuit(m, samples(r, [[3, 4, 2]], 2));
  });

  it("rejects an out-of-range index, signal indices, and constant data with signal indices", async () => {
    await expect(checkAgainstFloat(gatherModel([3], [1]), [])).rejects.toMatchObject({
      code: "bad-onnx",
      node: { opType: "Gather" },
    });
    const sig = (dataConst: boolean) =>
      buildModel({
        nodes: [node("Gather", ["d", "i"], ["y"], {}, "g")],
        initializers: dataConst ? [tensorProto("d", [4], uniform(r, 4))] : [],
        inputs: [
          ...(dataConst ? [] : [valueInfo("d", DataType.FLOAT, [4])]),
          valueInfo("i", DataType.INT64, [2]),
        ],
        outputs: [valueInfo("y", DataType.FLOAT, [2])],
      });
    for (const dataConst of [false, true]) {
      await expect(checkAgainstFloat(sig(dataConst), [])).rejects.toMatchObject({
        code: "unsupported-op",
        message: /indices .* compile-time constant/,
      });
    }
  });
});

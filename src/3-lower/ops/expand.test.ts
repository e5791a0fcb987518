import { describe, expect, it } from "vitest";
import { opModel, samples } from "../../../test/support/data-movement.js";
import { checkAgainstFloat, checkCircuit, rng } from "../../../test/support/op-check.js";

const r = rng(29);
const model = (x: number[], shape: number[], after?: string) =>
  opModel({ op: "Expand", inputs: [["x", x]], consts: [["s", [shape.length], shape]], after });

describe("Expand", () => {
  it.each([
    ["to more axes", [3, 1], [2, 1, 4], [2, 3, 4]],
    ["to fewer axes (a 1 keeps the input's dimension)", [2, 3], [1], [2, 3]],
    ["unchanged rank", [1, 3], [2, 3], [2, 3]],
  ])("%s", async (_, x, shape, out) => {
    const { plan, maxError } = await checkAgainstFloat(model(x, shape), samples(r, [x]));
    expect(plan.outputs[0]?.shape).toEqual(out);
    expect(maxError).toBeLessThanOrEqual(2 ** -8);
  });

  it("is an alias when no element repeats", async () => {
    const { plan } = await checkAgainstFloat(model([3, 2], [1, 1, 3, 2]), samples(r, [[3, 2]]));
    expect(plan.outputs[0]?.shape).toEqual([1, 1, 3, 2]);
    expect(plan.nodes[0]?.prims).toEqual([]);
  });

  it("compiles (followed by a Relu, since outputs repeat)", { tags: ["heavy"] }, async () => {
    await checkCircuit(model([2, 1], [2, 3], "Relu"), samples(r, [[2, 1]], 2));
  });

  it("rejects shapes that do not broadcast", async () => {
    await expect(checkAgainstFloat(model([2, 3], [4, 3, 2]), [])).rejects.toMatchObject({
      code: "bad-shape",
      node: { opType: "Expand" },
    });
  });
});

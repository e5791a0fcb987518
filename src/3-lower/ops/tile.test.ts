import { describe, expect, it } from "vitest";
import { opModel, samples } from "../../../test/support/data-movement.js";
import { checkAgainstFloat, checkCircuit, rng } from "../../../test/support/op-check.js";

const r = rng(30);
const model = (x: number[], reps: number[], after?: string) =>
  opModel({ op: "Tile", inputs: [["x", x]], consts: [["k", [reps.length], reps]], after });

describe("Tile", () => {
  it.each([
    [
      [2, 3],
      [2, 1],
      [4, 3],
    ],
    [
      [2, 3],
      [1, 3],
      [2, 9],
    ],
    [
      [2, 1, 3],
      [2, 2, 2],
      [4, 2, 6],
    ],
    [[4], [1], [4]],
  ])("%j tiled %j times is %j", async (x, reps, out) => {
    const { plan, maxError } = await checkAgainstFloat(model(x, reps), samples(r, [x]));
    expect(plan.outputs[0]?.shape).toEqual(out);
    expect(maxError).toBeLessThanOrEqual(2 ** -8);
  });

  it("compiles (followed by a Relu, since outputs repeat)", { tags: ["heavy"] }, async () => {
    await checkCircuit(model([1, 3], [2, 2], "Relu"), samples(r, [[1, 3]], 2));
  });

  it("rejects repeats of the wrong length or negative", async () => {
    for (const reps of [[2], [1, -1]]) {
      await expect(checkAgainstFloat(model([2, 3], reps), [])).rejects.toMatchObject({
        code: "bad-shape",
        node: { opType: "Tile" },
      });
    }
  });
});

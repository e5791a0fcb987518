import { describe, expect, it } from "vitest";
import { opModel, samples } from "../../../test/support/data-movement.js";
import { checkAgainstFloat, checkCircuit, rng } from "../../../test/support/op-check.js";
import { attr, buildModel, DataType, node, valueInfo } from "../../1-decode/onnx-builder.js";

const r = rng(33);
const model = (x: number[], b: number) =>
  opModel({ op: "SpaceToDepth", inputs: [["x", x]], attrs: { blocksize: attr.int(b) } });

describe("SpaceToDepth", () => {
  it.each([
    [[1, 2, 4, 6], 2, [1, 8, 2, 3]],
    [[2, 1, 3, 6], 3, [2, 9, 1, 2]],
  ])("%j with blocksize %i gives %j", async (x, b, out) => {
    const { plan, maxError } = await checkAgainstFloat(model(x, b), samples(r, [x]));
    expect(plan.outputs[0]?.shape).toEqual(out);
    expect(maxError).toBeLessThanOrEqual(2 ** -8);
  });

  it("is undone by DepthToSpace (DCR): the composite is the identity wiring", {
    tags: ["heavy"],
  }, async () => {
    const m = buildModel({
      nodes: [
        node("SpaceToDepth", ["x"], ["t"], { blocksize: attr.int(2) }, "s2d"),
        node("DepthToSpace", ["t"], ["y"], { blocksize: attr.int(2) }, "d2s"),
      ],
      inputs: [valueInfo("x", DataType.FLOAT, [1, 2, 4, 4])],
      outputs: [valueInfo("y", DataType.FLOAT, [1, 2, 4, 4])],
    });
    const s = samples(r, [[1, 2, 4, 4]], 2);
    const { plan } = await checkAgainstFloat(m, s);
    // The two wirings are composed into one (3-lower/fuse.ts): the identity.
    const last = plan.nodes[1]?.prims[0];
    expect(plan.nodes[0]?.prims).toEqual([]);
    expect(last?.kind === "affine" && last.rows.map((row) => row.idx[0])).toEqual(
      Array.from({ length: 32 }, (_, i) => i),
    );
    const { constraints } = await checkCircuit(m, s);
    expect(constraints).toBe((plan.inputs[0]?.bits ?? 0) * 32);
  });

  it("rejects spatial sizes that are not multiples of the blocksize", async () => {
    await expect(checkAgainstFloat(model([1, 2, 4, 5], 2), [])).rejects.toMatchObject({
      code: "bad-shape",
      node: { opType: "SpaceToDepth" },
    });
  });
});

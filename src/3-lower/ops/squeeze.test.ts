import { describe, expect, it } from "vitest";
import { opModel, samples } from "../../../test/support/data-movement.js";
import { checkAgainstFloat, checkCircuit, rng } from "../../../test/support/op-check.js";
import { attr } from "../../1-decode/onnx-builder.js";

const r = rng(27);
const X = [1, 3, 1, 2];

describe("Squeeze", () => {
  it.each([
    ["axes input (opset 13)", { consts: [["a", [1], [2]]] as [string, number[], number[]][] }, [1, 3, 2]],
    ["negative axes", { consts: [["a", [2], [-4, -2]]] as [string, number[], number[]][] }, [3, 2]],
    ["axes attribute (opset 11)", { attrs: { axes: attr.ints([0]) }, opset: 11 }, [3, 1, 2]],
    ["no axes: every unit axis", {}, [3, 2]],
  ])("%s", async (_, o, out) => {
    const m = opModel({ op: "Squeeze", inputs: [["x", X]], ...o });
    const s = samples(r, [X]);
    const { plan } = await checkAgainstFloat(m, s);
    expect(plan.outputs[0]?.shape).toEqual(out);
    expect(plan.nodes[0]?.prims).toEqual([]);
  });

  it("compiles to a circuit", { tags: ["heavy"] }, async () => {
    await checkCircuit(opModel({ op: "Squeeze", inputs: [["x", X]] }), samples(r, [X], 2));
  });

  it("rejects an axis whose size is not 1, and an axis beyond the rank", async () => {
    const m = (axes: number[]) =>
      opModel({ op: "Squeeze", inputs: [["x", X]], consts: [["a", [axes.length], axes]] });
    await expect(checkAgainstFloat(m([1]), [])).rejects.toMatchObject({
      code: "bad-shape",
      node: { opType: "Squeeze" },
    });
    await expect(checkAgainstFloat(m([4]), [])).rejects.toMatchObject({ code: "bad-attribute" });
  });
});

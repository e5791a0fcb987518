import { describe, it } from "vitest";
import { checkCircuit, rng, uniform } from "../../test/support/op-check.js";
import { attr, buildModel, DataType, node, tensorProto, valueInfo } from "../1-decode/onnx-builder.js";

const r = rng(5);

/** x → Relu → h; outputs built from h by `tail` (the estimate must match circom's count exactly). */
function model(tail: ReturnType<typeof node>[], outputs: [string, number[]][], extra = {}) {
  return buildModel({
    nodes: [node("Relu", ["x"], ["h"], {}, "relu"), ...tail],
    initializers: [tensorProto("W", [3, 3], uniform(r, 9))],
    inputs: [valueInfo("x", DataType.FLOAT, [1, 3])],
    outputs: outputs.map(([n, d]) => valueInfo(n, DataType.FLOAT, d)),
    ...extra,
  });
}

describe("output wiring constraints (--O2 keeps what it cannot solve for a private signal)", () => {
  const samples = [[uniform(r, 3)], [uniform(r, 3)]];

  it("an output that repeats elements keeps one constraint per repeat", async () => {
    const m = model([node("Concat", ["h", "h"], ["y"], { axis: attr.int(1) }, "cat")], [["y", [1, 6]]]);
    await checkCircuit(m, samples);
  });

  it("two outputs that are the same tensor, and a linear mix of one signal", async () => {
    const m = model(
      [node("Identity", ["h"], ["a"], {}, "id"), node("MatMul", ["h", "W"], ["b"], {}, "mm")],
      [
        ["h", [1, 3]],
        ["a", [1, 3]],
        ["b", [1, 3]],
      ],
    );
    await checkCircuit(m, samples);
  });

  it("an output that is a private input", async () => {
    const m = model(
      [node("Identity", ["x"], ["y"], {}, "id")],
      [
        ["y", [1, 3]],
        ["h", [1, 3]],
      ],
    );
    await checkCircuit(m, samples);
  });
});

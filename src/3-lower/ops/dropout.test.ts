import { describe, expect, it } from "vitest";
import { checkAgainstFloat, rng, singleOp, uniform } from "../../../test/support/op-check.js";
import { attr, buildModel, DataType, node, tensorProto, valueInfo } from "../../1-decode/onnx-builder.js";
import { LowerCtx, PlanBuilder } from "../lower.js";
import { dropout } from "./dropout.js";

const r = rng(8);

/** Dropout(x, ratio?, training_mode?) with constant ratio/training inputs (opset 13). */
function dropoutModel(ratio?: number, training?: boolean) {
  const inits = [];
  if (ratio !== undefined) inits.push(tensorProto("r", [], [ratio]));
  if (training !== undefined) inits.push(tensorProto("t", [], [training ? 1 : 0], "raw", DataType.BOOL));
  return buildModel({
    nodes: [
      node(
        "Dropout",
        ["x", ratio === undefined ? "" : "r", ...(training === undefined ? [] : ["t"])],
        ["y"],
        {},
        "drop",
      ),
    ],
    initializers: inits,
    inputs: [valueInfo("x", DataType.FLOAT, [4])],
    outputs: [valueInfo("y", DataType.FLOAT, [4])],
  });
}

describe("Dropout", () => {
  it("is the identity at inference, whatever the ratio (attribute or input)", async () => {
    const s = [[uniform(r, 4)]];
    const m = singleOp({ op: "Dropout", inputs: [["x", [4]]], output: [4] });
    expect((await checkAgainstFloat(m, s)).plan.nodes[0]?.prims).toEqual([]);
    const old = singleOp({
      op: "Dropout",
      inputs: [["x", [4]]],
      attrs: { ratio: attr.float(0.3) },
      output: [4],
      opset: 7,
    });
    expect((await checkAgainstFloat(old, s)).plan.nodes[0]?.prims).toEqual([]);
    expect((await checkAgainstFloat(dropoutModel(0.7, false), s)).plan.nodes[0]?.prims).toEqual([]);
    // Training mode with ratio 0 drops nothing: the identity too.
    expect((await checkAgainstFloat(dropoutModel(0, true), s)).plan.nodes[0]?.prims).toEqual([]);
  });

  it("gives the mask output as an all-true constant", () => {
    const b = new PlanBuilder();
    const x = b.newTensor({
      onnxName: "x",
      shape: [2, 3],
      scale: 7,
      lo: new Array(6).fill(-128n),
      hi: new Array(6).fill(128n),
      err: new Float64Array(6),
    });
    const n = {
      index: 0,
      name: "drop",
      opType: "Dropout",
      domain: "",
      inputs: ["x"],
      outputs: ["y", "m"],
      attrs: new Map(),
    };
    const ctx = new LowerCtx(b, n, [{ kind: "signal", q: x }], { inputScale: 7, paramScale: 7 });
    const [y, m] = dropout.lower(ctx);
    expect(y).toEqual({ kind: "signal", q: x });
    expect(m?.kind === "const" && m.t).toEqual({
      dtype: "bool",
      shape: [2, 3],
      data: new Float64Array(6).fill(1),
    });
    expect(ctx.prims).toEqual([]);
  });

  it("rejects training mode (constant or from an input) with a non-zero ratio", async () => {
    await expect(checkAgainstFloat(dropoutModel(0.5, true), [])).rejects.toMatchObject({
      code: "unsupported-op",
      message: /training/,
    });
    const fromInput = buildModel({
      nodes: [node("Dropout", ["x", "", "t"], ["y"], {}, "drop")],
      inputs: [valueInfo("x", DataType.FLOAT, [4]), valueInfo("t", DataType.BOOL, [])],
      outputs: [valueInfo("y", DataType.FLOAT, [4])],
    });
    await expect(checkAgainstFloat(fromInput, [])).rejects.toMatchObject({
      code: "unsupported-op",
      message: /training/,
    });
  });
});

import { describe, expect, it } from "vitest";
import { ZkmlError } from "../errors.js";
import { parseOneSample } from "../steps/inputs.js";
import { type DecodeOptions, decodeModel } from "./decode.js";
import { MAX_ELEMENTS } from "./graph.js";
import { parseInputShapes } from "./input-shapes.js";
import {
  attr,
  type BuildModelOptions,
  buildModel,
  DataType,
  type IValueInfoProto,
  node,
  onnx,
  tensorProto,
  valueInfo,
} from "./onnx-builder.js";
import { typeCheck } from "./type-check.js";
import { MAX_OPSET } from "./validate.js";

const F = DataType.FLOAT;

/** A one-Relu model over `input` (default x: [1, 4]), with overrides. */
function model(opts: Partial<BuildModelOptions> & { input?: IValueInfoProto } = {}): Uint8Array {
  return buildModel({
    nodes: [node("Relu", ["x"], ["y"], {}, "relu")],
    inputs: [opts.input ?? valueInfo("x", F, [1, 4])],
    outputs: [valueInfo("y", F)],
    ...opts,
  });
}

/** The ZkmlError `f` throws (fails the test when it throws nothing or something else). */
async function caught(f: () => unknown): Promise<ZkmlError> {
  try {
    await f();
  } catch (e) {
    if (e instanceof ZkmlError) return e;
    throw e;
  }
  throw new Error("expected a ZkmlError");
}

const decodeErr = (bytes: Uint8Array, opts?: DecodeOptions) => caught(() => decodeModel(bytes, opts));

describe("opset", () => {
  it("refuses opset 99 and opset 0 with bad-onnx, the version, the supported range and a hint", async () => {
    const e99 = await decodeErr(model({ opset: 99 }));
    expect(e99.code).toBe("bad-onnx");
    expect(e99.message).toContain("opset 99");
    expect(e99.message).toContain(`1 to ${MAX_OPSET}`);
    expect(e99.hint).toMatch(/opset_version=.*convert_version\(model, 26\)/);
    const e0 = await decodeErr(model({ opset: 0 }));
    expect(e0.code).toBe("bad-onnx");
    expect(e0.message).toContain("opset 0");
    expect(e0.hint).toContain("start at 1");
  });

  it("accepts the ceiling, refuses one above it, and needs a default-domain import", async () => {
    expect(decodeModel(model({ opset: MAX_OPSET })).opset).toBe(MAX_OPSET);
    await typeCheck(model({ opset: MAX_OPSET }), decodeModel(model({ opset: MAX_OPSET })));
    expect((await decodeErr(model({ opset: MAX_OPSET + 1 }))).message).toContain(`opset ${MAX_OPSET + 1}`);
    const twice = buildModel({
      nodes: [node("Relu", ["x"], ["y"])],
      inputs: [valueInfo("x", F, [1, 4])],
      outputs: [valueInfo("y", F)],
      extraOpsets: { "ai.onnx": 13 },
    });
    expect((await decodeErr(twice)).message).toContain('"ai.onnx" twice');
    const noDefault = onnx.ModelProto.decode(model());
    noDefault.opsetImport = [];
    const e = await decodeErr(onnx.ModelProto.encode(noDefault).finish());
    expect(e.message).toContain("no version of the default ONNX domain");
    expect(e.hint).toContain("opset");
  });
});

describe("type and shape inference (onnxruntime)", () => {
  it("refuses Add of float and int64, naming the node and keeping onnxruntime's words", async () => {
    const bytes = buildModel({
      nodes: [node("Add", ["x", "k"], ["y"], {}, "add1")],
      initializers: [tensorProto("k", [4], [1, 2, 3, 4], "int64_data")],
      inputs: [valueInfo("x", F, [1, 4])],
      outputs: [valueInfo("y", F)],
    });
    const e = await caught(() => typeCheck(bytes, decodeModel(bytes)));
    expect(e.code).toBe("bad-onnx");
    expect(e.node).toEqual({ index: 0, name: "add1", opType: "Add" });
    expect(e.message).toContain("bound to different types (tensor(float) and tensor(int64)");
    expect(e.hint).toContain("onnx.checker");
  });

  it("checks shapes at the concrete input shape (a wrong --input-shape shows up here)", async () => {
    const bytes = buildModel({
      nodes: [node("MatMul", ["x", "w"], ["y"], {}, "mm")],
      initializers: [tensorProto("w", [3, 2], [1, 2, 3, 4, 5, 6])],
      inputs: [valueInfo("x", F, ["batch", "features"])],
      outputs: [valueInfo("y", F)],
    });
    await typeCheck(bytes, decodeModel(bytes, { inputShapes: { x: [1, 3] } }));
    const e = await caught(() => typeCheck(bytes, decodeModel(bytes, { inputShapes: { x: [1, 4] } })));
    expect(e.node?.name).toBe("mm");
    expect(e.message).toContain("Incompatible dimensions");
  });

  it("names the node when onnxruntime names only its op (an attribute the opset does not have)", async () => {
    const bytes = buildModel({
      nodes: [node("ReduceSum", ["x"], ["y"], { axes: attr.ints([1]) }, "sum")],
      inputs: [valueInfo("x", F, [1, 4])],
      outputs: [valueInfo("y", F)],
      opset: 13,
    });
    const e = await caught(() => typeCheck(bytes, decodeModel(bytes)));
    expect(e.node).toEqual({ index: 0, name: "sum", opType: "ReduceSum" });
    expect(e.message).toContain("Unrecognized attribute: axes for operator ReduceSum");
  });

  it("passes float Equal under opset 10 (as the constant folder does) and ops without a CPU kernel", async () => {
    const eq = buildModel({
      nodes: [node("Equal", ["x", "x"], ["y"], {}, "eq")],
      inputs: [valueInfo("x", F, [1, 4])],
      outputs: [valueInfo("y", DataType.BOOL)],
      opset: 10,
    });
    await typeCheck(eq, decodeModel(eq));
    const max16 = buildModel({
      nodes: [node("Max", ["x", "x"], ["y"], {}, "mx")],
      inputs: [valueInfo("x", DataType.INT16, [1, 4])],
      outputs: [valueInfo("y", DataType.INT16)],
    });
    await typeCheck(max16, decodeModel(max16));
  });
});

describe("input shapes", () => {
  const img = valueInfo("x", F, ["batch_size", 3, "height", "width"]);
  const conv = (input: IValueInfoProto) =>
    buildModel({
      nodes: [node("Relu", ["x"], ["y"], {}, "relu")],
      inputs: [input],
      outputs: [valueInfo("y", F)],
    });

  it("refuses a symbolic non-batch dim, naming the input, the dims and the exact flag", async () => {
    const e = await decodeErr(conv(img));
    expect(e.code).toBe("bad-shape");
    expect(e.message).toContain('input "x" has dim 2 ("height"), dim 3 ("width") without a size');
    expect(e.hint).toContain("--input-shape 'x=1,3,<height>,<width>'");
  });

  it("takes --input-shape, and a leading batch dim as 1 with a note", () => {
    const g = decodeModel(conv(img), { inputShapes: { x: [1, 3, 32, 32] } });
    expect(g.inputs[0]?.shape).toEqual([1, 3, 32, 32]);
    const b = decodeModel(conv(valueInfo("x", F, ["batch_size", 3, 8, 8])));
    expect(b.inputs[0]?.shape).toEqual([1, 3, 8, 8]);
    expect(b.notes).toEqual([
      'input "x" dim 0 ("batch_size") is a batch dimension: taken as 1 (--input-shape sets it)',
    ]);
    expect(decodeModel(conv(valueInfo("x", F, [null, 4]))).inputs[0]?.shape).toEqual([1, 4]);
  });

  it("refuses an unknown dim, a 1-D symbolic input and an input without a shape", async () => {
    const unknown = await decodeErr(conv(valueInfo("x", F, [1, null])));
    expect(unknown.message).toContain('input "x" has dim 1 (unknown) without a size');
    expect(unknown.hint).toContain("--input-shape 'x=1,<dim1>'");
    const seq = await decodeErr(conv(valueInfo("x", F, ["len"])));
    expect(seq.message).toContain('dim 0 ("len")');
    const none = await decodeErr(conv(valueInfo("x", F)));
    expect(none.code).toBe("bad-shape");
    expect(none.message).toContain('input "x" has no shape');
    expect(none.hint).toContain("--input-shape");
  });

  it("refuses --input-shape for an unknown input, a wrong rank, a conflicting dim, and a huge shape", async () => {
    const unknown = await decodeErr(conv(img), { inputShapes: { x: [1, 3, 2, 2], nope: [1] } });
    expect(unknown.code).toBe("bad-input");
    expect(unknown.message).toContain('"nope", which is not an input');
    expect(unknown.hint).toContain('"x"');
    const rank = await decodeErr(conv(img), { inputShapes: { x: [1, 3, 32] } });
    expect(rank.message).toContain('gives "x" 3 dim(s), but the model declares it with 4');
    expect(rank.hint).toContain("--input-shape 'x=1,3,<height>,<width>'");
    const fixed = await decodeErr(conv(img), { inputShapes: { x: [1, 4, 32, 32] } });
    expect(fixed.message).toContain('gives "x" dim 1 = 4, but the model fixes it at 3');
    expect(fixed.hint).toContain("--input-shape x=1,3,32,32");
    const huge = await decodeErr(conv(img), { inputShapes: { x: [1, 3, 4096, 4096] } });
    expect(huge.code).toBe("too-large");
    expect(huge.message).toContain(MAX_ELEMENTS.toLocaleString("en-US"));
  });

  it("parses --input-shape values and refuses malformed ones", async () => {
    expect(parseInputShapes(["x=1,3,32,32", "m=1,8,k=2"])).toEqual({ x: [1, 3, 32, 32], m: [1, 8], k: [2] });
    expect(parseInputShapes(["a=b=4", "s="])).toEqual({ "a=b": [4], s: [] });
    for (const bad of ["x=1,a", "x=0", "x=-2", "x=1.5", "1,2", "=1", "x=1,,2"]) {
      const e = await caught(() => parseInputShapes([bad]));
      expect(e.code, bad).toBe("bad-input");
      expect(e.hint, bad).toContain("--input-shape NAME=D0,D1,...");
    }
    expect((await caught(() => parseInputShapes(["x=1", "x=2"]))).message).toContain("twice");
  });
});

describe("graph structure", () => {
  it("refuses a graph with no outputs", async () => {
    const e = await decodeErr(model({ outputs: [] }));
    expect(e.code).toBe("bad-onnx");
    expect(e.message).toContain("the graph has no outputs");
    expect(e.hint).toContain("output_names");
  });

  it("refuses duplicate outputs, an empty op_type, and a node writing a graph input or initializer", async () => {
    const dup = await decodeErr(model({ outputs: [valueInfo("y", F), valueInfo("y", F)] }));
    expect(dup.message).toContain('lists output "y" twice');
    const empty = await decodeErr(model({ nodes: [node("", ["x"], ["y"], {}, "blank")] }));
    expect(empty.node).toEqual({ index: 0, name: "blank", opType: "" });
    expect(empty.message).toContain("empty op_type");
    const overwrite = await decodeErr(
      model({ nodes: [node("Relu", ["x"], ["y"], {}, "relu"), node("Neg", ["y"], ["x"], {}, "neg")] }),
    );
    expect(overwrite.node).toEqual({ index: 1, name: "neg", opType: "Neg" });
    expect(overwrite.message).toContain('output "x" is already produced by a graph input');
    const twice = await decodeErr(
      model({ nodes: [node("Relu", ["x"], ["y"], {}, "a"), node("Neg", ["x"], ["y"], {}, "b")] }),
    );
    expect(twice.message).toContain('already produced by node #0 "a"');
  });

  it("keeps an input that is also an initializer a constant, and refuses an input file that sets it", async () => {
    const bytes = buildModel({
      nodes: [node("Add", ["x", "w"], ["y"], {}, "add")],
      initializers: [tensorProto("w", [4], [1, 2, 3, 4])],
      inputs: [valueInfo("x", F, [1, 4]), valueInfo("w", F, [4])],
      outputs: [valueInfo("y", F)],
      irVersion: 3,
    });
    const g = decodeModel(bytes);
    expect(g.inputs.map((i) => i.name)).toEqual(["x"]);
    expect(g.constantInputs).toEqual(["w"]);
    await typeCheck(bytes, g);
    const byName = await caught(() =>
      parseOneSample({ x: [1, 2, 3, 4], w: [0, 0, 0, 0] }, g.inputs, "in.json", g.constantInputs),
    );
    expect(byName.code).toBe("bad-input");
    expect(byName.message).toContain('gives a value for "w", but "w" is a constant of the model');
    expect(byName.hint).toContain('remove "w"');
    const ezkl = await caught(() =>
      parseOneSample({ input_data: [[1, 2, 3, 4], [0]] }, g.inputs, "in.json", g.constantInputs),
    );
    expect(ezkl.message).toContain('"w" are constants of the model');
    const shape = await decodeErr(bytes, { inputShapes: { w: [4] } });
    expect(shape.message).toContain('"w", a constant of the model');
  });
});

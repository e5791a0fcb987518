import { describe, expect, it } from "vitest";
import { decodeModel } from "./decode.js";
import { attr, buildModel, DataType, node, tensorProto, valueInfo } from "./onnx-builder.js";

const io = {
  inputs: [valueInfo("x", DataType.FLOAT, ["batch_size", 3])],
  outputs: [valueInfo("y", DataType.FLOAT, [1, 3])],
};

describe("decodeModel", () => {
  it("reads every initializer encoding to the same values", () => {
    const v = [1.5, -2.25, 3];
    const g = decodeModel(
      buildModel({
        ...io,
        nodes: [node("Identity", ["x"], ["y"])],
        initializers: [
          tensorProto("raw", [3], v, "raw"),
          tensorProto("floats", [3], v, "float_data"),
          tensorProto("doubles", [3], v, "double_data"),
          tensorProto("i64", [3], [7, -8, 2 ** 40], "int64_data"),
          tensorProto("i64raw", [3], [7, -8, 2 ** 40], "raw", DataType.INT64),
          tensorProto("i32", [3], [1, -2, 3], "int32_data"),
          tensorProto("i8", [2], [-5, 100], "int32_data", DataType.INT8),
          tensorProto("u8raw", [2], [250, 3], "raw", DataType.UINT8),
          tensorProto("u16", [2], [65535, 3], "int32_data", DataType.UINT16),
          tensorProto("u32raw", [2], [2 ** 32 - 1, 3], "raw", DataType.UINT32),
          tensorProto("u64raw", [2], [2 ** 40, 3], "raw", DataType.UINT64),
          // onnx.proto: uint32 and uint64 values live in uint64_data
          { name: "u32", dims: [2], dataType: DataType.UINT32, uint64Data: [4000000000, 5] },
        ],
      }),
    );
    for (const name of ["raw", "floats", "doubles"])
      expect(Array.from(g.constants.get(name)?.data ?? [])).toEqual(v);
    expect(Array.from(g.constants.get("i64")?.data ?? [])).toEqual([7, -8, 2 ** 40]);
    expect(Array.from(g.constants.get("i64raw")?.data ?? [])).toEqual([7, -8, 2 ** 40]);
    expect(Array.from(g.constants.get("i32")?.data ?? [])).toEqual([1, -2, 3]);
    expect(Array.from(g.constants.get("i8")?.data ?? [])).toEqual([-5, 100]);
    expect(Array.from(g.constants.get("u8raw")?.data ?? [])).toEqual([250, 3]);
    expect(Array.from(g.constants.get("u16")?.data ?? [])).toEqual([65535, 3]);
    expect(Array.from(g.constants.get("u32raw")?.data ?? [])).toEqual([2 ** 32 - 1, 3]);
    expect(Array.from(g.constants.get("u64raw")?.data ?? [])).toEqual([2 ** 40, 3]);
    expect(Array.from(g.constants.get("u32")?.data ?? [])).toEqual([4000000000, 5]);
    expect(g.constants.get("u64raw")?.dtype).toBe("uint64");
    expect(g.constants.get("raw")?.dtype).toBe("float32");
  });

  it("takes symbolic batch dims as 1 and drops initializers listed as inputs (IR < 4)", () => {
    const g = decodeModel(
      buildModel({
        inputs: [...io.inputs, valueInfo("w", DataType.FLOAT, [3])],
        outputs: io.outputs,
        nodes: [node("Add", ["x", "w"], ["y"])],
        initializers: [tensorProto("w", [3], [0, 0, 0])],
        irVersion: 3,
      }),
    );
    expect(g.inputs).toEqual([{ name: "x", dtype: "float32", shape: [1, 3] }]);
  });

  it("decodes attributes with their types and Constant tensors", () => {
    const g = decodeModel(
      buildModel({
        ...io,
        nodes: [
          node(
            "Constant",
            [],
            ["c"],
            { value: attr.tensor(tensorProto("", [2], [4, 5], "int64_data")) },
            "k",
          ),
          node("Gemm", ["x", "c"], ["y"], {
            alpha: attr.float(0.5),
            transB: attr.int(1),
            perm: attr.ints([1, 0]),
            mode: "constant",
          }),
        ],
      }),
    );
    const [k, gemm] = g.nodes;
    expect(k?.attrs.get("value")).toMatchObject({ type: "tensor", value: { dtype: "int64", shape: [2] } });
    expect(gemm?.name).toBe("Gemm_1"); // unnamed nodes get op_index names
    expect(gemm?.attrs.get("alpha")).toEqual({ type: "float", value: 0.5 });
    expect(gemm?.attrs.get("transB")).toEqual({ type: "int", value: 1 });
    expect(gemm?.attrs.get("perm")).toEqual({ type: "ints", value: [1, 0] });
    expect(gemm?.attrs.get("mode")).toEqual({ type: "string", value: "constant" });
  });

  it("rejects garbage, an empty graph, a size mismatch and external data with bad-onnx", () => {
    expect(() => decodeModel(new Uint8Array([0xff, 0xff, 0xff, 0x01]))).toThrow(
      expect.objectContaining({ code: "bad-onnx" }),
    );
    expect(() => decodeModel(buildModel({ ...io, nodes: [] }))).toThrow(/empty graph/);
    const short = tensorProto("w", [3], [1, 2, 3], "raw");
    short.rawData = short.rawData?.slice(0, 8);
    expect(() =>
      decodeModel(buildModel({ ...io, nodes: [node("Identity", ["x"], ["y"])], initializers: [short] })),
    ).toThrow(/raw_data has 8 bytes, expected 12/);
    const ext = tensorProto("w", [3], [1, 2, 3], "raw");
    ext.externalData = [{ key: "location", value: "w.bin" }];
    ext.dataLocation = 1;
    expect(() =>
      decodeModel(buildModel({ ...io, nodes: [node("Identity", ["x"], ["y"])], initializers: [ext] })),
    ).toThrow(/external file/);
  });

  it("rejects unsupported element types with a clear message", () => {
    const m = buildModel({
      ...io,
      nodes: [node("Identity", ["x"], ["y"])],
      initializers: [{ name: "s", dims: [1], dataType: DataType.BFLOAT16, rawData: new Uint8Array(2) }],
    });
    expect(() => decodeModel(m)).toThrow(/element type BFLOAT16/);
  });
});

import { InferenceSession, Tensor } from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { attr, buildModel, DataType, int64, node, onnx, tensorProto, valueInfo } from "./onnx-builder.js";

/** Number of a decoded int64 field (protobufjs decodes them as Long objects). */
const num = (v: unknown): number => (typeof v === "number" ? v : (v as { toNumber(): number }).toNumber());

// Every initializer encoding, Constant nodes (TENSOR, FLOATS attributes) and INT/FLOAT attributes.
//   s1 = X + A            A: float raw_data        [2,3]
//   s2 = s1 * B           B: float float_data      [2,3]
//   s3 = s2 + Cast(D)     D: double double_data    [3]
//   s4 = s3 - Cast(I)     I: int32 int32_data      [2,3]
//   s5 = s4 + Cast(E)     E: double raw_data       [1]
//   r  = Reshape(s5, S)   S: int64 int64_data      [2] = [3, 2]
//   g  = Gemm(r, K, Cb, alpha=0.5, beta=2, transB=1)   K: Constant(value=tensor [2,2]), Cb: Constant(value_floats)
//   l  = LeakyRelu(g, alpha=0.1)
//   Y  = Reshape(l, R)    R: int64 raw_data        [1] = [-1]
const A = [0.5, -1, 2, 0.25, 3, -0.75];
const B = [1, 2, -1, 0.5, -2, 1.5];
const D = [0.1, 0.2, -0.3];
const I = [1, -2, 3, 0, 5, -1];
const E = [0.125];
const K = [1, -1, 0.5, 2]; // [2,2], used transposed
const Cb = [0.25, -4];

function model(): Uint8Array {
  return buildModel({
    inputs: [valueInfo("X", DataType.FLOAT, ["N", 3])],
    outputs: [valueInfo("Y", DataType.FLOAT, [6])],
    initializers: [
      tensorProto("A", [2, 3], A, "raw"),
      tensorProto("B", [2, 3], B, "float_data"),
      tensorProto("D", [3], D, "double_data"),
      tensorProto("I", [2, 3], I, "int32_data"),
      tensorProto("E", [1], E, "raw", DataType.DOUBLE),
      tensorProto("S", [2], [3, 2], "int64_data"),
      tensorProto("R", [1], [-1n], "raw", DataType.INT64),
    ],
    nodes: [
      node("Add", ["X", "A"], ["s1"]),
      node("Mul", ["s1", "B"], ["s2"]),
      node("Cast", ["D"], ["Df"], { to: attr.int(DataType.FLOAT) }),
      node("Add", ["s2", "Df"], ["s3"]),
      node("Cast", ["I"], ["If"], { to: attr.int(DataType.FLOAT) }),
      node("Sub", ["s3", "If"], ["s4"]),
      node("Cast", ["E"], ["Ef"], { to: attr.int(DataType.FLOAT) }),
      node("Add", ["s4", "Ef"], ["s5"]),
      node("Reshape", ["s5", "S"], ["r"]),
      node("Constant", [], ["K"], { value: attr.tensor(tensorProto("", [2, 2], K, "raw")) }, "constK"),
      node("Constant", [], ["Cb"], { value_floats: attr.floats(Cb) }, "constC"),
      node(
        "Gemm",
        ["r", "K", "Cb"],
        ["g"],
        { alpha: attr.float(0.5), beta: attr.float(2), transB: attr.int(1) },
        "gemm",
      ),
      node("LeakyRelu", ["g"], ["l"], { alpha: attr.float(0.1) }),
      node("Reshape", ["l", "R"], ["Y"]),
    ],
    metadata: { purpose: "test" },
  });
}

/** `arr[i]`, which must exist. */
function at(arr: readonly number[], i: number): number {
  const v = arr[i];
  if (v === undefined) throw new Error(`index ${i} out of range`);
  return v;
}

function expected(x: number[]): number[] {
  const s = x.map((v, i) => (v + at(A, i)) * at(B, i) + at(D, i % 3) - at(I, i) + at(E, 0));
  // r is s viewed as [3,2]; g[i][j] = 0.5 * sum_k r[i][k] * K[j][k] + 2 * Cb[j]
  const y: number[] = [];
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 2; j++) {
      let acc = 0;
      for (let k = 0; k < 2; k++) acc += at(s, i * 2 + k) * at(K, j * 2 + k);
      const g = 0.5 * acc + 2 * at(Cb, j);
      y.push(g >= 0 ? g : 0.1 * g);
    }
  }
  return y;
}

describe("onnx-builder", () => {
  it("builds a model that onnxruntime runs, with every initializer encoding", async () => {
    const session = await InferenceSession.create(model());
    const x = [0.3, -0.7, 1.1, -2, 0.05, 0.9];
    const out = await session.run({ X: new Tensor("float32", Float32Array.from(x), [2, 3]) });
    const y = out.Y;
    expect(y?.dims).toEqual([6]);
    const got = Array.from(y?.data as Float32Array);
    const want = expected(x);
    expect(got).toHaveLength(6);
    for (let i = 0; i < 6; i++) expect(got[i]).toBeCloseTo(at(want, i), 5);
    // Some LeakyRelu inputs are negative, some positive: both branches are exercised.
    expect(want.some((v) => v < 0) && want.some((v) => v > 0)).toBe(true);
  });

  it("round-trips through onnx-proto with typed attributes; int64 fields decode as Long", () => {
    const m = onnx.ModelProto.decode(model());
    expect(num(m.irVersion)).toBe(8);
    expect(m.producerName).toBe("zkmlc");
    expect(m.opsetImport.map((o) => [o.domain, num(o.version)])).toEqual([["", 13]]);
    expect(m.metadataProps.map((p) => [p.key, p.value])).toEqual([["purpose", "test"]]);
    const g = m.graph;
    if (!g) throw new Error("no graph");
    const dims = (g.input ?? [])[0]?.type?.tensorType?.shape?.dim;
    expect(dims?.[0]?.dimParam).toBe("N");
    expect(num(dims?.[1]?.dimValue)).toBe(3);

    const gemm = (g.node ?? []).find((n) => n.name === "gemm");
    const a = Object.fromEntries((gemm?.attribute ?? []).map((x) => [x.name, x]));
    expect(a.alpha?.type).toBe(onnx.AttributeProto.AttributeType.FLOAT);
    expect(a.alpha?.f).toBe(0.5);
    expect(a.transB?.type).toBe(onnx.AttributeProto.AttributeType.INT);
    expect(typeof a.transB?.i).toBe("object"); // a Long, not a number
    expect(num(a.transB?.i)).toBe(1);

    const inits = Object.fromEntries((g.initializer ?? []).map((t) => [t.name, t]));
    expect(inits.A?.rawData?.length).toBe(24);
    expect(Array.from(new Float32Array(new Uint8Array(inits.A?.rawData ?? []).buffer))).toEqual(A);
    expect(inits.B?.floatData).toEqual(B);
    expect(inits.D?.doubleData).toEqual(D);
    expect(inits.I?.int32Data).toEqual(I);
    expect(inits.S?.int64Data.map(num)).toEqual([3, 2]);
    expect(inits.S?.dims.map(num)).toEqual([2]);
    expect(inits.R?.dataType).toBe(DataType.INT64);
    expect(new DataView(new Uint8Array(inits.R?.rawData ?? []).buffer).getBigInt64(0, true)).toBe(-1n);
  });

  it("encodes int64 values beyond 2^53", () => {
    const t = onnx.TensorProto.decode(
      onnx.TensorProto.encode(tensorProto("big", [2], [2n ** 62n + 1n, -(2n ** 60n)], "int64_data")).finish(),
    );
    const s = t.int64Data.map((v) => v.toString());
    expect(s).toEqual([(2n ** 62n + 1n).toString(), (-(2n ** 60n)).toString()]);
    expect(num(int64(5n))).toBe(5);
  });

  it("rejects misuse", () => {
    expect(() => tensorProto("x", [2, 2], [1, 2, 3])).toThrow(/3 values/);
    expect(() => tensorProto("x", [1], [1], "int64_data", DataType.FLOAT)).toThrow(/cannot hold/);
    expect(() => tensorProto("x", [1], [1.5], "int64_data")).toThrow(/not an integer/);
    expect(() => tensorProto("x", [1], [300], "raw", DataType.INT8)).toThrow(/out of range/);
    // biome-ignore lint/suspicious/noExplicitAny: deliberately untyped attribute
    expect(() => node("Gemm", ["a"], ["b"], { alpha: 1 as any })).toThrow(/attr\.int/);
    expect(node("Foo", [], ["y"], { mode: "constant" }).attribute?.[0]?.type).toBe(
      onnx.AttributeProto.AttributeType.STRING,
    );
  });
});

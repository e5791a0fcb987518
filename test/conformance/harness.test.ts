import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { classify } from "../../conformance/classify.js";
import { compareOutputs } from "../../conformance/compare.js";
import { bindInputs, readNodeTest } from "../../conformance/node-test.js";
import type { Task } from "../../conformance/result.js";
import { runNodeTest } from "../../conformance/run-node.js";
import { decodeModel } from "../../src/1-decode/decode.js";
import {
  buildModel,
  DataType,
  type INodeProto,
  type IValueInfoProto,
  node,
  onnx,
  tensorProto,
  valueInfo,
} from "../../src/1-decode/onnx-builder.js";

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A node test folder in the backend-test layout: model.onnx, test_data_set_0/{input,output}_N.pb. */
function nodeTestDir(opts: {
  nodes: INodeProto[];
  inputs: IValueInfoProto[];
  outputs: IValueInfoProto[];
  data: { in: ReturnType<typeof tensorProto>[]; out: ReturnType<typeof tensorProto>[] };
  opset?: number;
}): string {
  const dir = mkdtempSync(join(tmpdir(), "zkmlc-conf-"));
  made.push(dir);
  writeFileSync(
    join(dir, "model.onnx"),
    buildModel({ nodes: opts.nodes, inputs: opts.inputs, outputs: opts.outputs, opset: opts.opset ?? 13 }),
  );
  mkdirSync(join(dir, "test_data_set_0"));
  const pb = (t: ReturnType<typeof tensorProto>) => onnx.TensorProto.encode(t).finish();
  for (const [i, t] of opts.data.in.entries())
    writeFileSync(join(dir, "test_data_set_0", `input_${i}.pb`), pb(t));
  for (const [i, t] of opts.data.out.entries())
    writeFileSync(join(dir, "test_data_set_0", `output_${i}.pb`), pb(t));
  return dir;
}

const X = [-1.5, 0.25, 2, -0.75, 1, 0.5];
const Y = X.map((v) => Math.max(0, v));

/** Reshape(x, shape) then Relu: `shape` is an int64 graph input that the harness must bind. */
function reshapeRelu(expected: number[], opType = "Relu", domain = ""): string {
  return nodeTestDir({
    nodes: [node("Reshape", ["x", "shape"], ["r"]), node(opType, ["r"], ["y"], {}, "", domain)],
    inputs: [valueInfo("x", DataType.FLOAT, [2, 3]), valueInfo("shape", DataType.INT64, [2])],
    outputs: [valueInfo("y", DataType.FLOAT, [3, 2])],
    data: {
      in: [tensorProto("x", [2, 3], X), tensorProto("shape", [2], [3, 2], "raw", DataType.INT64)],
      out: [tensorProto("y", [3, 2], expected)],
    },
  });
}

const task = (dir: string, bind: string[]): Task => ({
  kind: "node",
  suite: "debian",
  name: "test_synthetic",
  dir,
  op: "Relu",
  ops: [],
  bind,
  prove: false,
  work: mkdtempSync(join(tmpdir(), "zkmlc-conf-work-")),
});

describe("conformance harness", () => {
  it("compares within the per-element bound plus float32 slack, and reports the worst element", () => {
    const actual = [{ shape: [2], values: [1, 2.01], err: [0, 0.02] }];
    expect(compareOutputs(actual, [{ name: "y", shape: [2], dtype: "float32", data: [1, 2] }]).ok).toBe(true);
    const bad = compareOutputs(actual, [{ name: "y", shape: [2], dtype: "float32", data: [1.001, 2] }]);
    expect(bad.ok).toBe(false);
    expect(bad.detail).toMatch(/"y"\[0\] = 1, expected 1\.001/);
    expect(compareOutputs(actual, [{ name: "y", shape: [1, 2], data: [1, 2] }]).detail).toMatch(/shape/);
    // integer references get no slack
    const ints = [{ shape: [1], values: [3.000001], err: [0] }];
    expect(compareOutputs(ints, [{ name: "i", shape: [1], dtype: "int64", data: [3] }]).ok).toBe(false);
  });

  it("binds the inputs an op needs at compile time and keeps data inputs as circuit inputs", () => {
    const t = readNodeTest(reshapeRelu(Y), "test_reshape_relu");
    const c = classify(t);
    expect(c.bind).toEqual(["shape"]);
    expect(c.outOfScope).toBeUndefined();
    const g = decodeModel(bindInputs(t, new Set(c.bind)));
    expect(g.inputs.map((i) => i.name)).toEqual(["x"]);
    expect(Array.from(g.constants.get("shape")?.data ?? [])).toEqual([3, 2]);
  });

  it("puts types, ops and compile-time-only tests outside the scope, with the reason", () => {
    const one = (n: INodeProto, ins: IValueInfoProto[], out: IValueInfoProto, name: string) =>
      classify(
        readNodeTest(
          nodeTestDir({
            nodes: [n],
            inputs: ins,
            outputs: [out],
            data: { in: [tensorProto("x", [2], [1, 2])], out: [tensorProto("y", [2], [1, 2])] },
          }),
          name,
        ),
      );
    const f = (n: string) => valueInfo(n, DataType.FLOAT, [2]);
    expect(one(node("Hardmax", ["x"], ["y"]), [f("x")], f("y"), "test_hardmax").outOfScope).toMatch(
      /Hardmax.*not in issue 3/,
    );
    expect(
      one(node("Relu", ["x"], ["y"]), [valueInfo("x", DataType.BFLOAT16, [2])], f("y"), "test_relu_bf16")
        .outOfScope,
    ).toBe("element type bfloat16");
    expect(
      one(node("Shape", ["x"], ["y"]), [f("x")], valueInfo("y", DataType.INT64, [1]), "test_shape")
        .outOfScope,
    ).toMatch(/does not depend on the input/);
    expect(
      one(node("Resize", ["x", "", "s"], ["y"], { mode: "linear" }), [f("x")], f("y"), "test_resize_linear")
        .outOfScope,
    ).toMatch(/nearest/);
    expect(one(node("Relu", ["x"], ["y"]), [f("x")], f("y"), "test_relu").outOfScope).toBeUndefined();
  });

  it("passes a correct test and fails a wrong expected output with the error and tolerance", async () => {
    const ok = await runNodeTest(task(reshapeRelu(Y), ["shape"]));
    expect(ok.reason).toBeUndefined();
    expect(ok.status).toBe("pass");
    expect(ok.constraints).toBeGreaterThan(0);
    expect(ok.maxError).toBeLessThanOrEqual(ok.tolerance as number);

    const wrong = await runNodeTest(task(reshapeRelu(Y.map((v, i) => (i === 2 ? v + 0.1 : v))), ["shape"]));
    expect(wrong.status).toBe("fail");
    expect(wrong.code).toBe("mismatch");
    expect(wrong.reason).toMatch(/"y"\[2\].*> tolerance/);
    expect(wrong.maxError).toBeGreaterThan(0.09);
  });

  it("reports a model zkmlc refuses as unsupported with the error code and node", async () => {
    const r = await runNodeTest(task(reshapeRelu(Y, "Foo", "com.example"), ["shape"]));
    expect(r.status).toBe("unsupported");
    expect(r.code).toBe("unsupported-op");
    expect(r.node).toMatch(/^#1 ".*" \(Foo\)$/);
  });

  it("keeps int inputs it does not bind as circuit inputs (integers at scale 0)", () => {
    const dir = nodeTestDir({
      nodes: [node("Add", ["a", "b"], ["y"])],
      inputs: [valueInfo("a", DataType.INT32, [2]), valueInfo("b", DataType.INT32, [2])],
      outputs: [valueInfo("y", DataType.INT32, [2])],
      data: {
        in: [
          tensorProto("a", [2], [1, 2], "raw", DataType.INT32),
          tensorProto("b", [2], [3, 4], "raw", DataType.INT32),
        ],
        out: [tensorProto("y", [2], [4, 6], "raw", DataType.INT32)],
      },
    });
    const c = classify(readNodeTest(dir, "test_add_int32"));
    expect(c.bind).toEqual([]);
    expect(c.outOfScope).toBeUndefined();
  });
});

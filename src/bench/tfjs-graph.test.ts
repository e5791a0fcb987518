import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { cnn, mlp } from "../../bench/sweep.js";
import { tempDir } from "../../test/support/temp.js";
import { decodeModel } from "../1-decode/decode.js";
import { buildModel, DataType, node, valueInfo } from "../1-decode/onnx-builder.js";
import { loadFloatModel } from "../steps/onnxruntime.js";
import { tfjsFunction, UnmappedOp } from "./tfjs-graph.js";

const tmp = tempDir("zkmlc-tfjs-");

beforeAll(async () => {
  vi.spyOn(console, "warn").mockImplementation(() => {}); // tfjs's "install tfjs-node" banner
  await tf.setBackend("cpu");
  await tf.ready();
});
afterAll(() => vi.restoreAllMocks());

/** The tfjs function and onnxruntime agree on the model's own input. */
async function agree(m: { name: string; bytes: Uint8Array; input: number[] }) {
  const graph = decodeModel(m.bytes);
  const sample = [Float64Array.from(m.input)];
  const path = join(mkdtempSync(join(tmp, "model-")), `${m.name}.onnx`);
  writeFileSync(path, m.bytes);
  const ort = await loadFloatModel(path, graph.inputs, graph.outputs);
  const want = await ort.run(sample);
  const got = tfjsFunction(tf, graph)(sample);
  expect(got[0]).toHaveLength(want[0]?.length ?? -1);
  const diff = Math.max(...Array.from(got[0] ?? [], (v, i) => Math.abs(v - (want[0]?.[i] ?? Number.NaN))));
  expect(diff).toBeLessThan(1e-5);
  // not trivially zero: the outputs carry signal
  expect(Math.max(...Array.from(want[0] ?? [], Math.abs))).toBeGreaterThan(1e-3);
}

describe("ONNX graph as a tfjs function", () => {
  it("computes onnxruntime's outputs for a Gemm/ReLU MLP", async () => {
    await agree(mlp(32, 2));
  });

  it("computes onnxruntime's outputs for Conv (NCHW, padded) -> ReLU -> MaxPool -> Flatten -> Gemm", async () => {
    await agree(cnn(4, 8));
  });

  it("refuses an op it cannot map instead of timing another function", () => {
    const g = decodeModel(
      buildModel({
        inputs: [valueInfo("x", DataType.FLOAT, [1, 4])],
        outputs: [valueInfo("y", DataType.FLOAT, [1, 4])],
        nodes: [node("Erf", ["x"], ["y"])],
      }),
    );
    expect(() => tfjsFunction(tf, g)).toThrow(UnmappedOp);
    expect(() => tfjsFunction(tf, g)).toThrow(/Erf/);
  });
});

import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { attr, buildModel, DataType, node, tensorProto, valueInfo } from "../../src/1-decode/onnx-builder.js";
import { loadBuild } from "../../src/steps/build.js";
import { compile } from "../../src/steps/compile.js";
import { zkmlc } from "../support/cli.js";

/** Models the validation stage refuses, through the CLI: exit 1, a coded error, no build directory. */
const tmp = mkdtempSync(join(tmpdir(), "zkmlc-validate-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const F = DataType.FLOAT;
function write(name: string, bytes: Uint8Array): string {
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  return path;
}

describe("validation through the CLI", () => {
  it("compile of an opset-99 model exits 1 at once and writes no build directory", () => {
    const model = write(
      "opset99.onnx",
      buildModel({
        nodes: [node("Relu", ["x"], ["y"])],
        inputs: [valueInfo("x", F, [1, 4])],
        outputs: [valueInfo("y", F)],
        opset: 99,
      }),
    );
    const out = join(tmp, "build-opset99");
    const t0 = performance.now();
    const r = zkmlc("compile", model, "-o", out);
    const seconds = (performance.now() - t0) / 1000;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^error\[bad-onnx\]: the model uses ONNX opset 99; zkmlc supports opsets 1 to 26/m,
    );
    expect(r.stderr).toContain("hint: re-export the model");
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(out)).toBe(false);
    // Startup of the CLI from source only (about 3 s here): nothing was quantized or compiled.
    expect(seconds).toBeLessThan(60);
  });

  it("inspect names a symbolic dimension and takes --input-shape", () => {
    const model = write(
      "symbolic.onnx",
      buildModel({
        nodes: [node("Conv", ["img", "w"], ["y"], { kernel_shape: attr.ints([3, 3]) }, "conv")],
        initializers: [tensorProto("w", [2, 3, 3, 3], new Array(54).fill(0.125))],
        inputs: [valueInfo("img", F, ["batch_size", 3, "height", "width"])],
        outputs: [valueInfo("y", F)],
      }),
    );
    const refused = zkmlc("inspect", model);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'error[bad-shape]: input "img" has dim 2 ("height"), dim 3 ("width") without a size',
    );
    expect(refused.stderr).toContain("--input-shape 'img=1,3,<height>,<width>'");
    const ok = zkmlc("inspect", model, "--input-shape", "img=1,3,8,8", "--json");
    expect(ok.code).toBe(0);
    const r = JSON.parse(ok.stdout) as { inputs: { name: string; shape: number[] }[] };
    expect(r.inputs[0]).toMatchObject({ name: "img", shape: [1, 3, 8, 8] });
    const bad = zkmlc("inspect", model, "--input-shape", "img=1,4,8,8");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      'error[bad-input]: --input-shape gives "img" dim 1 = 4, but the model fixes it at 3',
    );
  });

  it("records the --input-shape shapes in settings.json, and later steps decode the model with them", async () => {
    const model = write(
      "seq.onnx",
      buildModel({
        nodes: [node("ReduceSum", ["x"], ["y"], { axes: attr.ints([1]), keepdims: attr.int(0) }, "sum")],
        inputs: [valueInfo("x", F, ["batch_size", "seq"])],
        outputs: [valueInfo("y", F)],
        opset: 12,
      }),
    );
    const dir = join(tmp, "build-seq");
    const { settings } = await compile(model, dir, { inputShapes: { x: [1, 5] }, inputRange: [0, 1] });
    expect(settings.inputs[0]?.shape).toEqual([1, 5]);
    const build = await loadBuild(dir);
    expect(build.graph.inputs[0]?.shape).toEqual([1, 5]);
    expect(build.plan.inputs.length).toBe(1);
  });
});

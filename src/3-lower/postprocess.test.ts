import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { zkmlc } from "../../test/support/cli.js";
import { FIXED, rng, uniform, writeTempModel } from "../../test/support/op-check.js";
import { tempDir } from "../../test/support/temp.js";
import { attr, buildModel, DataType, node, tensorProto, valueInfo } from "../1-decode/onnx-builder.js";
import { loadBuild, loadRunner } from "../steps/build.js";
import { compile } from "../steps/compile.js";
import { inspect } from "../steps/inspect.js";
import { loadFloatModel } from "../steps/onnxruntime.js";
import { prove } from "../steps/prove.js";
import { setup } from "../steps/setup.js";
import { verify } from "../steps/verify.js";
import { computeWitness } from "../steps/witness.js";
import { applyPostprocess } from "./postprocess.js";

const r = rng(41);

/** x → Gemm → (Log)Softmax → y, and optionally y → Relu → z so the (Log)Softmax is not an output. */
function head(op: "Softmax" | "LogSoftmax", consumed = false, opset = 13): string {
  const nodes = [
    node("Gemm", ["x", "W", "b"], ["h"], { transB: attr.int(1) }, "fc"),
    node(op, ["h"], ["y"], { axis: attr.int(1) }, "probs"),
  ];
  if (consumed) nodes.push(node("Relu", ["y"], ["z"], {}, "after"));
  return writeTempModel(
    buildModel({
      nodes,
      initializers: [
        tensorProto("W", [5, 4], uniform(r, 20)),
        tensorProto("b", [5], uniform(r, 5, -0.3, 0.3)),
      ],
      inputs: [valueInfo("x", DataType.FLOAT, [2, 4])],
      outputs: [valueInfo(consumed ? "z" : "y", DataType.FLOAT, [2, 5])],
      opset,
    }),
  );
}

const root = tempDir("zkmlc-post-");
const tmp = () => mkdtempSync(join(root, "build-"));
const opts = { ...FIXED, softmax: "outside" as const };

describe("softmax outside the circuit", () => {
  it("applyPostprocess: softmax / log-softmax along an axis or over coerced 2-D rows", () => {
    const v = [1, 2, 3, 4, 5, 6];
    const sm = applyPostprocess(v, [2, 3], { op: "Softmax", axis: 1, coerce2d: false });
    expect(sm.slice(0, 3).reduce((a, b) => a + b)).toBeCloseTo(1, 12);
    expect(sm[3]).toBeCloseTo(sm[0] as number, 12);
    const cols = applyPostprocess(v, [2, 3], { op: "Softmax", axis: 0, coerce2d: false });
    expect((cols[0] as number) + (cols[3] as number)).toBeCloseTo(1, 12);
    const all = applyPostprocess(v, [2, 3], { op: "LogSoftmax", axis: 0, coerce2d: true });
    expect(all.reduce((a, b) => a + Math.exp(b), 0)).toBeCloseTo(1, 12);
  });

  it("a Softmax graph output: the circuit proves the logits; settings records it; decoding applies it", async () => {
    const model = head("Softmax");
    const inside = await compile(model, tmp(), FIXED);
    const dir = tmp();
    const { settings, plan } = await compile(model, dir, opts);
    expect(settings.softmax).toBe("outside");
    const out = settings.outputs[0];
    expect(out?.postprocess).toMatchObject({ op: "Softmax", axis: 1, coerce2d: false });
    expect(out?.errorBound).toBeCloseTo((out?.postprocess?.logitsErrorBound ?? 0) / 2, 12);
    expect(plan.nodes.map((n) => n.node.opType)).toEqual(["Gemm"]);
    expect(settings.circuit.constraints).toBeLessThan(inside.settings.circuit.constraints);

    const build = await loadBuild(dir);
    const runner = await loadRunner(build);
    const float = await loadFloatModel(build.modelPath, build.graph.inputs, build.graph.outputs);
    for (let k = 0; k < 3; k++) {
      const sample = [uniform(r, 8)];
      const w = await computeWitness(build, runner, sample);
      const got = w.outputs[0] ?? [];
      const want = (await float.run(sample))[0] ?? new Float64Array();
      expect(got.slice(0, 5).reduce((a, b) => a + b)).toBeCloseTo(1, 10);
      got.forEach((g, i) => {
        expect(Math.abs(g - (want[i] as number))).toBeLessThanOrEqual((out?.errorBound ?? 0) + 1e-6);
      });
    }
  });

  it("LogSoftmax with opset < 13 semantics, and inspect says so", async () => {
    const model = head("LogSoftmax", false, 11);
    const { settings } = await compile(model, tmp(), opts);
    expect(settings.outputs[0]?.postprocess).toMatchObject({ op: "LogSoftmax", axis: 1, coerce2d: true });
    const r1 = await inspect(model, opts);
    expect(r1.outside).toEqual([{ output: "y", op: "LogSoftmax", axis: 1, coerce2d: true }]);
    expect((await inspect(model, FIXED)).outside).toEqual([]);
  });

  it("a (Log)Softmax that feeds another node stays in the circuit", async () => {
    const { settings, plan } = await compile(head("Softmax", true), tmp(), opts);
    expect(settings.outputs[0]?.postprocess).toBeUndefined();
    expect(plan.nodes.map((n) => n.node.opType)).toEqual(["Gemm", "Softmax", "Relu"]);
  });

  it("prove and verify: the verified public signals decode to probabilities", {
    tags: ["heavy"],
  }, async () => {
    const dir = tmp();
    await compile(head("Softmax"), dir, opts);
    await setup(dir, {});
    const input = join(dir, "input.json");
    writeFileSync(input, JSON.stringify({ input_data: [Array.from(uniform(r, 8))] }));
    const p = await prove(dir, input);
    const v = await verify(dir);
    expect(v.valid).toBe(true);
    const probs = v.outputs[0]?.values ?? [];
    expect(probs.slice(5).reduce((a, b) => a + b)).toBeCloseTo(1, 10);
    probs.forEach((x, i) => {
      expect(x).toBeCloseTo(p.output.outputs[0]?.circuit[i] ?? Number.NaN, 12);
    });
    expect(p.output.maxAbsError).toBeLessThanOrEqual((p.output.outputs[0]?.errorBound ?? 0) + 1e-6);
  });

  it("CLI: --softmax outside on compile and inspect prints what is left out; bad values are refused", () => {
    const model = head("Softmax");
    const dir = tmp();
    const c = zkmlc("compile", model, "-o", dir, "--input-range", "-1,1", "--softmax", "outside");
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toMatch(/output y: Softmax \(axis 1\) applied outside the circuit/);
    const i = zkmlc("inspect", model, "--softmax", "outside");
    expect(i.stdout).toMatch(/output y: Softmax \(axis 1\) applied outside the circuit/);
    expect(zkmlc("inspect", model, "--softmax", "nowhere").code).not.toBe(0);
  });
});

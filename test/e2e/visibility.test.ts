/**
 * Hashed and private visibility (issue 12), end to end on both backends: a 4-3-2 MLP compiled with its
 * inputs, weights and outputs hashed proves with three public signals (the commitments) that `zkmlc
 * hash` reproduces; one key proves another model of the architecture, and `verify` tells which model a
 * proof is of; an adversary who edits public.json to claim the committed model is caught by the pairing
 * check; weights that do not fit the circuit's checks are refused. MNIST MLP with hashed inputs and
 * outputs: at most 3 public signals and 235,000 gas on the EVM.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { attr, buildModel, DataType, node, tensorProto, valueInfo } from "../../src/1-decode/onnx-builder.js";
import { releaseCurves } from "../../src/6-prove/curve.js";
import { ZkmlError } from "../../src/errors.js";
import { compile } from "../../src/steps/compile.js";
import { verifyEvm } from "../../src/steps/evm.js";
import { hashCommitments } from "../../src/steps/hash-command.js";
import { prove } from "../../src/steps/prove.js";
import type { Backend } from "../../src/steps/settings.js";
import { setup } from "../../src/steps/setup.js";
import { verify } from "../../src/steps/verify.js";
import { ROOT, zkmlc } from "../support/cli.js";

const tmp = mkdtempSync(join(tmpdir(), "zkmlc-visibility-"));
afterAll(async () => {
  await releaseCurves();
  rmSync(tmp, { recursive: true, force: true });
});

/** A 4-3-2 MLP (Gemm, Relu, Gemm) with weights scaled by `k`, written to the temp folder. */
function mlp(name: string, k: number): string {
  const w1 = [0.5, -0.25, 1, 0.125, -0.75, 0.5, -0.5, 0.25, 0.25, 1, -0.125, -0.5].map((v) => v * k);
  const w2 = [1, -0.5, -0.75, -0.25, 0.75, 0.5].map((v) => v * k);
  const model = buildModel({
    inputs: [valueInfo("x", DataType.FLOAT, [1, 4])],
    outputs: [valueInfo("y", DataType.FLOAT, [1, 2])],
    initializers: [
      tensorProto("w1", [3, 4], w1, "raw"),
      tensorProto("b1", [3], [0.125, -0.25, 0.5], "raw"),
      tensorProto("w2", [2, 3], w2, "raw"),
      tensorProto("b2", [2], [0.25, -0.5], "raw"),
    ],
    nodes: [
      node("Gemm", ["x", "w1", "b1"], ["h"], { transB: attr.int(1) }, "fc1"),
      node("Relu", ["h"], ["r"], {}, "relu"),
      node("Gemm", ["r", "w2", "b2"], ["y"], { transB: attr.int(1) }, "fc2"),
    ],
    opset: 13,
  });
  const path = join(tmp, `${name}.onnx`);
  writeFileSync(path, model);
  return path;
}

function input(name: string, x: number[]): string {
  const path = join(tmp, `${name}.json`);
  writeFileSync(path, JSON.stringify({ x: [x] }));
  return path;
}

const publicJson = (dir: string) =>
  JSON.parse(readFileSync(join(dir, "groth16", "proof", "public.json"), "utf8")) as string[];

const HASHED = { inputVisibility: "hashed", outputVisibility: "hashed", paramVisibility: "hashed" } as const;

describe.each<Backend>(["direct", "circom"])("inputs, weights and outputs hashed (%s backend)", (backend) => {
  const dir = join(tmp, `hashed-${backend}`);
  const model = mlp(`a-${backend}`, 1);
  // The same architecture, other weights (halved: they fit the bits the circuit checks).
  const other = mlp(`b-${backend}`, 0.5);
  const x = input(`x-${backend}`, [0.5, -0.25, 0.75, -1]);

  it("proves with three public signals, each a commitment `zkmlc hash` reproduces", async () => {
    const c = await compile(model, dir, { ...HASHED, backend, inputRange: [-1, 1] });
    expect(c.settings.circuit.publicSignals).toBe(3);
    expect(c.settings.commitments.map((m) => m.role)).toEqual(["input", "param", "output"]);
    expect(c.settings.params.map((p) => p.name)).toEqual(["w1", "b1", "w2", "b2"]);
    await setup(dir);
    const p = await prove(dir, x);
    const v = await verify(dir);
    expect(v.valid).toBe(true);
    expect(v.commitments.map((m) => m.checked !== undefined)).toEqual([false, true, true]);
    expect(v.outputs[0]?.values).toEqual(p.output.outputs[0]?.circuit);
    const hashed = await hashCommitments(dir, {
      input: x,
      outputs: join(dir, "groth16", "proof", "output.json"),
    });
    const byRole = Object.fromEntries(hashed.map((h) => [h.role, h.value]));
    expect(publicJson(dir)).toEqual([byRole.input, byRole.param, byRole.output]);
    expect(byRole.param).toBe(c.settings.commitments[1]?.value);
    // Output values given as plain numbers hash the same.
    const plain = join(tmp, `y-${backend}.json`);
    writeFileSync(plain, JSON.stringify({ y: p.output.outputs[0]?.circuit }));
    expect((await hashCommitments(dir, { outputs: plain }))[0]?.value).toBe(byRole.output);
  });

  it("refuses output.json values that are not the committed outputs", async () => {
    const d = mkdtempSync(join(tmp, "edit-"));
    cpSync(dir, d, { recursive: true });
    const path = join(d, "groth16", "proof", "output.json");
    const rec = JSON.parse(readFileSync(path, "utf8"));
    const ints = rec.ints;
    for (const edit of [
      [[String(BigInt(ints[0][0]) + 1n), ...ints[0].slice(1)]],
      [["1"]],
      [ints[0].map(() => String(2n ** 200n))],
      [],
    ]) {
      writeFileSync(path, JSON.stringify({ ...rec, ints: edit }));
      const v = await verify(d);
      expect(v.valid).toBe(false);
      expect(v.reason).toMatch(/output commitment/);
    }
  });

  it("proves another model of the architecture with the same key; verify tells which model", async () => {
    const d = join(tmp, `other-${backend}`);
    cpSync(dir, d, { recursive: true });
    const p = await prove(d, x, { weights: other });
    expect(p.output.outputs[0]?.circuit).not.toEqual(
      JSON.parse(readFileSync(join(dir, "groth16", "proof", "output.json"), "utf8")).outputs[0].circuit,
    );
    const asCompiled = await verify(d);
    expect(asCompiled.valid).toBe(false);
    expect(asCompiled.reason).toMatch(/the proof is of other weights/);
    expect((await verify(d, { weights: other })).valid).toBe(true);
    const [otherHash] = await hashCommitments(d, { weights: other });
    expect(publicJson(d)[1]).toBe(otherHash?.value);
    // Around the CLI: claim the committed model's commitment for this proof; the pairing check fails.
    const forged = [...publicJson(d)];
    forged[1] = publicJson(dir)[1] as string;
    writeFileSync(join(d, "groth16", "proof", "public.json"), JSON.stringify(forged));
    const v = await verify(d);
    expect(v.valid).toBe(false);
    expect(v.reason).toMatch(/does not verify/);
  });

  it("refuses weights that do not fit the bits the circuit checks", async () => {
    const big = mlp(`big-${backend}`, 4);
    await expect(prove(dir, x, { weights: big })).rejects.toMatchObject({ code: "input-out-of-range" });
    await expect(hashCommitments(dir, { weights: big })).rejects.toBeInstanceOf(ZkmlError);
  });
});

describe("visibility options", () => {
  it("costs one constraint per multiply-accumulate with weights as signals, plus their range checks", async () => {
    const model = mlp("costs", 1);
    const at = (o: object) =>
      compile(model, join(tmp, `cost-${JSON.stringify(o).replace(/\W/g, "")}`), {
        inputRange: [-1, 1],
        ...o,
      });
    const fixed = (await at({})).settings;
    const priv = (await at({ paramVisibility: "private" })).settings;
    const hashed = (await at({ paramVisibility: "hashed" })).settings;
    expect(priv.commitments).toEqual([]);
    expect(priv.circuit.publicSignals).toBe(fixed.circuit.publicSignals);
    expect(hashed.circuit.publicSignals).toBe(fixed.circuit.publicSignals + 1);
    // fc1 has 12 products and fc2 6: free with constant weights, one constraint each as signals.
    const cost = (s: typeof fixed, name: string) => s.nodes.find((n) => n.name === name)?.constraints;
    expect(cost(fixed, "fc1")).toBe(0);
    expect(cost(priv, "fc1")).toBe(12);
    expect(cost(priv, "fc2")).toBe(6);
    expect(hashed.circuit.constraints - priv.circuit.constraints).toBe(
      hashed.nodes.find((n) => n.op === "zkmlc.Commit")?.constraints,
    );
  });

  it("warns that private weights bind nothing, and names every public signal", () => {
    const model = mlp("cli", 1);
    const dir = join(tmp, "cli");
    const r = zkmlc("compile", model, "-o", dir, "--input-range", "-1,1", "--param-visibility", "private");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /WARNING: --param-visibility private: the weights are private signals bound by nothing/,
    );
    const bad = zkmlc("compile", model, "-o", join(tmp, "bad"), "--output-visibility", "private");
    expect(bad.code).toBe(1);
  });
});

describe("MNIST MLP, inputs and outputs hashed", () => {
  it("verifies with at most 3 public signals and at most 235,000 gas", async () => {
    const dir = join(tmp, "mnist");
    const c = await compile(join(ROOT, "examples/mnist_mlp/model.onnx"), dir, {
      inputRange: [0, 1],
      inputVisibility: "hashed",
      outputVisibility: "hashed",
    });
    expect(c.settings.circuit.publicSignals).toBe(2);
    // 8,618 with private inputs and public outputs; the two commitments cost the rest.
    expect(c.settings.circuit.constraints).toBe(10_958);
    await setup(dir);
    await prove(dir, join(ROOT, "examples/mnist_mlp/input.json"));
    expect((await verify(dir)).valid).toBe(true);
    const evm = await verifyEvm(dir);
    expect(evm.valid).toBe(true);
    expect(evm.gasUsed).toBeLessThanOrEqual(235_000);
    expect(evm.publicSignals.map((s) => s.signal)).toEqual(["commit_input", "commit_output"]);
  });
});

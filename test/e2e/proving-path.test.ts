/**
 * The proving path without repeated work (issue 13): compile's lowered program reused by hash, batch
 * proving, --no-reference, and `run` reusing a matching build. On the tiny example, direct backend.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { releaseCurves } from "../../src/6-prove/curve.js";
import { artifactPath } from "../../src/artifacts.js";
import { loadBuild } from "../../src/steps/build.js";
import { readLowered } from "../../src/steps/lowered.js";
import { proveInputs, witness } from "../../src/steps/prove.js";
import { run } from "../../src/steps/run.js";
import { verifyBatch } from "../../src/steps/verify.js";
import { ROOT, zkmlc } from "../support/cli.js";

const model = join(ROOT, "examples/tiny/model.onnx");
const input = join(ROOT, "examples/tiny/input.json");
const tmp = mkdtempSync(join(tmpdir(), "zkmlc-proving-path-"));
const dir = join(tmp, "build");
const batch = join(tmp, "batch.json");
const inputs = [
  [0.5, -0.25, 0.75, -1],
  [-0.5, 0.25, 0.125, 1],
  [0, 0.5, -0.75, 0.25],
];

beforeAll(async () => {
  await run(model, { input, outDir: dir, inputRange: [-1, 1] });
  writeFileSync(batch, JSON.stringify(inputs.map((x) => ({ input_data: [x] }))));
});
afterAll(async () => {
  await releaseCurves();
  rmSync(tmp, { recursive: true, force: true });
});

describe("the lowered program (lowered.bin)", () => {
  it("is what re-deriving from model.onnx gives, and is bound to settings.json by hash", async () => {
    const cached = await loadBuild(dir);
    const again = await loadBuild(dir, { rederive: true });
    expect(cached.plan).toEqual(again.plan);
    expect(cached.graph.inputs).toEqual(again.graph.inputs);
    expect(cached.graph.outputs).toEqual(again.graph.outputs);
    // Another settings.json hash: not this cache.
    expect(await readLowered(dir, "0".repeat(64))).toBeUndefined();
    expect(await readLowered(dir, cached.settingsHash)).toBeDefined();
  });

  it("damaged: ignored, re-derived and rewritten; the proof still verifies", () => {
    const d = join(tmp, "damaged");
    cpSync(dir, d, { recursive: true });
    const path = artifactPath(d, "lowered");
    const bytes = readFileSync(path);
    bytes[bytes.length - 10] = (bytes[bytes.length - 10] ?? 0) ^ 0xff;
    writeFileSync(path, bytes);
    expect(zkmlc("prove", d, "--input", input).code).toBe(0);
    expect(zkmlc("verify", d).code).toBe(0);
    expect(readFileSync(path).equals(readFileSync(artifactPath(dir, "lowered")))).toBe(true);
  });

  it("a settings.json edited into another valid one is still refused (the cache does not hide it)", () => {
    const d = join(tmp, "edited");
    cpSync(dir, d, { recursive: true });
    const s = JSON.parse(readFileSync(artifactPath(d, "settings"), "utf8"));
    s.inputs[0].range = [-2, 2];
    writeFileSync(artifactPath(d, "settings"), `${JSON.stringify(s, null, 2)}\n`);
    const r = zkmlc("prove", d, "--input", input);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error\[mismatched-artifacts\].*settings\.json/);
  });
});

describe("batch proving", () => {
  it("proves an array of inputs into one record per input, each verified", async () => {
    const r = await proveInputs(dir, batch);
    if (!("count" in r)) throw new Error("expected a batch");
    expect(r.count).toBe(3);
    expect(r.timings.proofsPerMinute).toBeGreaterThan(0);
    for (const i of [0, 1, 2]) {
      const rec = join(dir, "groth16", "proofs", String(i));
      const used = JSON.parse(readFileSync(join(rec, "input.json"), "utf8"));
      expect(Object.values(used)[0]).toEqual(inputs[i]?.map((v) => String(v * 256)));
    }
    const v = await verifyBatch(dir);
    expect(v).toMatchObject({ valid: true, count: 3, invalid: 0 });
    // Outputs decoded from each proof's public signals are that input's.
    expect(v.proofs.map((p) => p.outputs[0]?.values)).toEqual(
      r.proofs.map((p) => p.output.outputs[0]?.circuit),
    );
    expect(new Set(v.proofs.map((p) => JSON.stringify(p.outputs))).size).toBe(3);
  });

  it("verify checks every proof: one tampered proof of the batch makes it exit 1", () => {
    const d = join(tmp, "batch-tampered");
    cpSync(dir, d, { recursive: true });
    const pub = join(d, "groth16", "proofs", "1", "public.json");
    // The public signals of proof 2 under proof 1: a valid proof, of other signals.
    writeFileSync(pub, readFileSync(join(d, "groth16", "proofs", "2", "public.json")));
    const r = zkmlc("verify", d, "--json");
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.batch).toMatchObject({ valid: false, count: 3, invalid: 1 });
    expect(out.batch.proofs.map((p: { valid: boolean }) => p.valid)).toEqual([true, false, true]);
    // The single proof record is verified too, and is still valid.
    expect(out.valid).toBe(false);
    expect(zkmlc("verify", dir).stdout).toMatch(/all 3 proofs valid/);
  });

  it("an input out of range is named, and nothing of the batch is written", () => {
    const d = join(tmp, "batch-bad");
    cpSync(dir, d, { recursive: true });
    rmSync(join(d, "groth16", "proofs"), { recursive: true });
    const bad = join(tmp, "bad-batch.json");
    writeFileSync(bad, JSON.stringify([{ input_data: [inputs[0]] }, { input_data: [[0, 0, 3, 0]] }]));
    const r = zkmlc("prove", d, "--input", bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /error\[input-out-of-range\]: input 1 of .*bad-batch\.json: input "input" element 2 is 3/,
    );
    expect(existsSync(join(d, "groth16", "proofs"))).toBe(false);
  });

  it("`witness` takes one input, and says so for an array", async () => {
    await expect(witness(dir, batch)).rejects.toThrow(/holds an array of inputs/);
  });
});

describe("--no-reference", () => {
  it("proves without onnxruntime: output.json holds the circuit's outputs only, and verifies", () => {
    const d = join(tmp, "no-reference");
    cpSync(dir, d, { recursive: true });
    const r = zkmlc("prove", d, "--input", input, "--no-reference", "--json");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout).output;
    expect(out.maxAbsError).toBeUndefined();
    expect(out.outputs[0].float).toBeUndefined();
    expect(out.outputs[0].circuit).toHaveLength(2);
    expect(zkmlc("verify", d).code).toBe(0);
    // The default keeps the comparison.
    expect(
      JSON.parse(zkmlc("prove", d, "--input", input, "--json").stdout).output.outputs[0].float,
    ).toHaveLength(2);
  });
});

describe("run reuses a matching build", () => {
  it("keeps the compile and keys for the same model and options, rebuilds on another option or --force", async () => {
    const d = join(tmp, "reuse");
    const first = await run(model, { input, outDir: d, inputRange: [-1, 1] });
    expect(first.reused).toEqual({ compile: false, setup: false });
    const zkey = readFileSync(join(d, "groth16", "keys", "circuit.zkey"));
    const again = await run(model, { input, outDir: d, inputRange: [-1, 1] });
    expect(again.reused).toEqual({ compile: true, setup: true });
    expect(again.verify.valid).toBe(true);
    expect(readFileSync(join(d, "groth16", "keys", "circuit.zkey")).equals(zkey)).toBe(true);
    const other = await run(model, { input, outDir: d, inputRange: [-1, 1], inputScale: 7 });
    expect(other.reused.compile).toBe(false);
    expect(other.compile.settings.scales.input).toBe(7);
    expect(other.verify.valid).toBe(true);
    const forced = await run(model, { input, outDir: d, inputRange: [-1, 1], inputScale: 7, force: true });
    expect(forced.reused).toEqual({ compile: false, setup: false });
  });

  it("another model under the same file name is compiled, not reused", async () => {
    const d = join(tmp, "reuse-model");
    const m = join(tmp, "model.onnx");
    cpSync(model, m);
    expect((await run(m, { input, outDir: d, inputRange: [-1, 1] })).reused.compile).toBe(false);
    cpSync(join(ROOT, "examples/mnist_mlp/model.onnx"), m);
    const mnistInput = join(ROOT, "examples/mnist_mlp/input.json");
    const r = await run(m, { input: mnistInput, outDir: d, inputRange: [0, 1] });
    expect(r.reused).toEqual({ compile: false, setup: false });
    expect(r.verify.valid).toBe(true);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ezklInput, loadMnist } from "../../examples/mnist_mlp/data.js";
import { checkWitness } from "../../src/5-compile/r1cs.js";
import { releaseCurves } from "../../src/6-prove/curve.js";
import { accuracy } from "../../src/steps/accuracy.js";
import { loadBuild, loadRunner } from "../../src/steps/build.js";
import { compile } from "../../src/steps/compile.js";
import { parseOneSample } from "../../src/steps/inputs.js";
import { run } from "../../src/steps/run.js";
import { computeWitness } from "../../src/steps/witness.js";
import { ROOT } from "../support/cli.js";

const model = join(ROOT, "examples/mnist_mlp/model.onnx");
const input = join(ROOT, "examples/mnist_mlp/input.json");
const tmp = mkdtempSync(join(tmpdir(), "zkmlc-mnist-"));
afterAll(async () => {
  await releaseCurves();
  rmSync(tmp, { recursive: true, force: true });
});

/** Held-out digits from the mnist package, in the data-set format `zkmlc accuracy` reads. */
function digits(n: number): string {
  const path = join(tmp, `digits-${n}.json`);
  writeFileSync(path, JSON.stringify(loadMnist().test.x.slice(0, n).map(ezklInput)));
  return path;
}

describe("MNIST 784-56-10 MLP", () => {
  it("public input: range-checked in the circuit like a private one; proves and verifies (circomlib-ml: 73,416)", async () => {
    const r = await run(model, {
      input,
      outDir: join(tmp, "public"),
      inputRange: [0, 1],
      inputVisibility: "public",
    });
    // 9-bit range checks of the 784 public pixels ([0, 256] at 2^8, enforced as [0, 512)), then
    // 56 × RescaleRelu(N_i, 12) with per-neuron N_i from the bound analysis; the linear layers are free.
    expect(r.compile.settings.circuit.constraints).toBe(784 * 9 + 1562);
    expect(r.compile.settings.circuit.publicSignals).toBe(784 + 10);
    expect(r.verify.valid).toBe(true);
    const out = r.prove.output.outputs[0];
    expect(out?.argmax.circuit).toBe(out?.argmax.float);
    expect(out?.maxAbsError).toBeLessThan(0.05);
  });

  it("private range-checked input: ≤ 10,000 constraints, witness equals the reference and satisfies the r1cs", async () => {
    const dir = join(tmp, "private");
    const { settings } = await compile(model, dir, { inputRange: [0, 1] });
    expect(settings.circuit.constraints).toBe(784 * 9 + 1562); // 9-bit input checks ([0, 256] at 2^8) + ReLU layer
    const build = await loadBuild(dir);
    const runner = await loadRunner(build);
    for (const x of loadMnist().test.x.slice(0, 5)) {
      const w = await computeWitness(
        build,
        runner,
        parseOneSample(ezklInput(x), build.graph.inputs, "digit"),
      );
      expect((await checkWitness(join(dir, "circuit.r1cs"), w.witness)).ok).toBe(true);
    }
  });

  it("agrees with onnxruntime's argmax on ≥ 99.5% of 500 held-out digits", async () => {
    const r = await accuracy(join(tmp, "private"), digits(500));
    expect(r.samples).toBe(500);
    expect(r.outOfRange).toBe(0);
    expect(r.argmaxAgreement).toBeGreaterThanOrEqual(0.995);
    expect(r.maxAbsError).toBeLessThan(0.1);
  });
});

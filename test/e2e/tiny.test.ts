import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { releaseCurves } from "../../src/6-prove/curve.js";
import { BN254_R } from "../../src/6-prove/groth16_setup.js";
import { num } from "../../src/format.js";
import { compile } from "../../src/steps/compile.js";
import { prove } from "../../src/steps/prove.js";
import { type RunResult, run } from "../../src/steps/run.js";
import { verify } from "../../src/steps/verify.js";
import { ROOT, zkmlc } from "../support/cli.js";

const model = join(ROOT, "examples/tiny/model.onnx");
const input = join(ROOT, "examples/tiny/input.json");
const tmp = mkdtempSync(join(tmpdir(), "zkmlc-tiny-"));
const dir = join(tmp, "build");
let result: RunResult;

const readJson = (f: string) => JSON.parse(readFileSync(join(dir, "groth16", "proof", f), "utf8"));
const writeJson = (d: string, f: string, v: unknown) =>
  writeFileSync(join(d, "groth16", "proof", f), JSON.stringify(v));

/** A copy of the build directory whose `file` is replaced by `edit(original)`. */
function tampered(file: string, edit: (v: never) => unknown): string {
  const d = mkdtempSync(join(tmp, "tampered-"));
  cpSync(dir, d, { recursive: true });
  writeJson(d, file, edit(readJson(file) as never));
  return d;
}

beforeAll(async () => {
  result = await run(model, { input, outDir: dir, inputRange: [-1, 1] });
});
afterAll(async () => {
  await releaseCurves();
  rmSync(tmp, { recursive: true, force: true });
});

describe("tiny example end to end", () => {
  it("compiles, sets up, proves and verifies; the output equals onnxruntime's within the proven bound", () => {
    expect(result.verify.valid).toBe(true);
    const out = result.prove.output.outputs[0];
    expect(out?.maxAbsError).toBeLessThanOrEqual(out?.errorBound ?? 0);
    expect(result.verify.outputs[0]?.values).toEqual(out?.circuit);
    // 4 inputs × 10 bits ([-1, 1] at 2^8) + 3 × RescaleRelu(24, 12): 24 + 1 each.
    expect(result.compile.settings.circuit.constraints).toBe(115);
  });

  it("rejects a tampered proof, a changed output, and a public signal ≥ p", async () => {
    const proof = tampered("proof.json", (p: { pi_a: string[] }) => ({
      ...p,
      pi_a: [p.pi_a[1], p.pi_a[0], p.pi_a[2]],
    }));
    expect((await verify(proof)).valid).toBe(false);
    const output = tampered("public.json", (s: string[]) => [
      (BigInt(s[0] ?? 0) + 1n).toString(),
      ...s.slice(1),
    ]);
    expect((await verify(output)).valid).toBe(false);
    const wrapped = tampered("public.json", (s: string[]) => [
      (BigInt(s[0] ?? 0) + BN254_R).toString(),
      ...s.slice(1),
    ]);
    expect(await verify(wrapped)).toMatchObject({
      valid: false,
      reason: expect.stringMatching(/not a field element/),
    });
    const short = tampered("public.json", (s: string[]) => s.slice(1));
    expect((await verify(short)).valid).toBe(false);
  });

  it("refuses keys that belong to another circuit, saying how to rebuild", async () => {
    const d = mkdtempSync(join(tmp, "mismatch-"));
    cpSync(dir, d, { recursive: true });
    appendFileSync(join(d, "groth16", "keys", "circuit.zkey"), "x");
    await expect(prove(d, input)).rejects.toMatchObject({
      code: "mismatched-artifacts",
      hint: expect.stringMatching(/zkmlc setup/),
    });
    await compile(model, d, { inputRange: [-1, 1], paramScale: 6 });
    await expect(prove(d, input)).rejects.toMatchObject({
      code: "mismatched-artifacts",
      message: /groth16 keys were made for another circuit/,
      hint: expect.stringMatching(/zkmlc setup/),
    });
  });

  it("produces byte-identical circuits and settings for the same model and options", async () => {
    const [a, b] = [join(tmp, "again-a"), join(tmp, "again-b")];
    await compile(model, a, { inputRange: [-1, 1] });
    await compile(model, b, { inputRange: [-1, 1] });
    for (const f of ["circuit.circom", "settings.json", "circuit.r1cs"]) {
      expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f).toBe(true);
    }
    expect(readFileSync(join(a, "circuit.r1cs")).equals(readFileSync(join(dir, "circuit.r1cs")))).toBe(true);
  });

  it("refuses an input outside the calibrated range before computing a witness", async () => {
    const bad = join(tmp, "big.json");
    writeFileSync(bad, JSON.stringify({ input_data: [[0.5, -0.25, 1.5, -1]] }));
    await expect(prove(dir, bad)).rejects.toMatchObject({
      code: "input-out-of-range",
      message: expect.stringContaining("element 2 is 1.5"),
    });
  });

  it("--max-constraints refuses a larger circuit before writing it, writing nothing", () => {
    const out = join(tmp, "too-large");
    const r = zkmlc("compile", model, "-o", out, "--input-range", "-1,1", "--max-constraints", "100");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^error\[too-large\]: node #\d+ "\w+" \(\w+\): at this node the circuit passes the limit of 100 constraints \(--max-constraints\): the node costs \d+, about \d+ so far/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it("CLI: verify prints valid and exits 0, --json gives one object, errors exit 1 with code and hint", () => {
    const ok = zkmlc("verify", dir);
    expect(ok.code).toBe(0);
    // The outputs printed are those decoded from the verified public signals.
    const [y0, y1] = result.verify.outputs[0]?.values ?? [];
    expect(ok.stdout).toBe(
      `valid\noutput: [${num(y0 ?? NaN)}, ${num(y1 ?? NaN)}]\npredicted class: ${result.verify.predicted}\n`,
    );
    const json = JSON.parse(zkmlc("--json", "verify", dir).stdout);
    expect(json).toMatchObject({
      ok: true,
      valid: true,
      predicted: result.prove.output.predicted,
      outputs: [{ name: "output", values: result.prove.output.outputs[0]?.circuit }],
    });
    const missing = zkmlc("prove", join(tmp, "nowhere"), "--input", input);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /^error\[missing-artifact\]: build directory .* does not exist\n {2}hint: run `zkmlc compile <model.onnx> -o .*nowhere` first/,
    );
    const invalid = tampered("public.json", (s: string[]) => [
      (BigInt(s[0] ?? 0) + 1n).toString(),
      ...s.slice(1),
    ]);
    expect(zkmlc("verify", invalid)).toMatchObject({ code: 1, stdout: expect.stringMatching(/^invalid/) });
  });
});

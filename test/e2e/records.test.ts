import { spawn } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { releaseCurves } from "../../src/6-prove/curve.js";
import { LOCK_FILE } from "../../src/lock.js";
import { compile } from "../../src/steps/compile.js";
import { prove, witness } from "../../src/steps/prove.js";
import { run } from "../../src/steps/run.js";
import { verify } from "../../src/steps/verify.js";
import { CLI_ARGS, ROOT, zkmlc } from "../support/cli.js";

/**
 * One proof, one record: a proof, its public signals and the outputs decoded from them are written
 * together and read together; other steps never change what `verify` reports; concurrent steps on one
 * build directory wait for each other; an interrupted step leaves the previous record intact.
 */
const model = join(ROOT, "examples/tiny/model.onnx");
const tmp = mkdtempSync(join(tmpdir(), "zkmlc-records-"));
const dir = join(tmp, "build");
/** Two inputs with different predicted classes. */
const A = join(tmp, "a.json");
const B = join(tmp, "b.json");
const proofRecord = (d: string) => join(d, "groth16", "proof");

beforeAll(async () => {
  writeFileSync(A, JSON.stringify({ input_data: [[0.5, -0.25, 0.75, -1]] }));
  writeFileSync(B, JSON.stringify({ input_data: [[-0.5, 0.25, -0.75, 1]] }));
  await run(model, { input: A, outDir: dir, inputRange: [-1, 1] });
});
afterAll(async () => {
  await releaseCurves();
  rmSync(tmp, { recursive: true, force: true });
});

const outputsOf = async (input: string) => (await witness(join(tmp, "scratch"), input)).output;

describe("proof records", () => {
  beforeAll(async () => {
    await compile(model, join(tmp, "scratch"), { inputRange: [-1, 1] });
  });

  it("the two inputs give different outputs (the tests below can tell them apart)", async () => {
    const [a, b] = [await outputsOf(A), await outputsOf(B)];
    expect(a.predicted).not.toBe(b.predicted);
  });

  it("`witness` with B after `prove` with A: verify still reports A's outputs", async () => {
    const a = await outputsOf(A);
    await prove(dir, A);
    const w = await witness(dir, B);
    expect(w.output.predicted).not.toBe(a.predicted);
    expect(JSON.parse(readFileSync(join(dir, "witness", "output.json"), "utf8")).predicted).toBe(
      w.output.predicted,
    );
    const v = await verify(dir);
    expect(v).toMatchObject({ valid: true, predicted: a.predicted });
    expect(v.outputs[0]?.values).toEqual(a.outputs[0]?.circuit);
    expect(JSON.parse(readFileSync(join(proofRecord(dir), "output.json"), "utf8")).predicted).toBe(
      a.predicted,
    );
  });

  it("an output.json that does not match the public signals makes the record invalid", async () => {
    const d = mkdtempSync(join(tmp, "altered-"));
    cpSync(dir, d, { recursive: true });
    const path = join(proofRecord(d), "output.json");
    const out = JSON.parse(readFileSync(path, "utf8"));
    out.predicted = 1 - out.predicted;
    writeFileSync(path, JSON.stringify(out));
    expect(await verify(d)).toMatchObject({ valid: false, reason: expect.stringMatching(/output.json/) });
  });

  it("an interrupted record swap is undone: the previous proof is back and verifies", async () => {
    const d = mkdtempSync(join(tmp, "interrupted-"));
    cpSync(dir, d, { recursive: true });
    // As if killed between the two renames of a swap, with a half-written new record beside it.
    renameSync(proofRecord(d), `${proofRecord(d)}.old-0123456789ab`);
    cpSync(`${proofRecord(d)}.old-0123456789ab`, `${proofRecord(d)}.tmp-ba9876543210`, { recursive: true });
    writeFileSync(join(`${proofRecord(d)}.tmp-ba9876543210`, "proof.json"), "{ half");
    expect((await verify(d)).valid).toBe(true);
    expect(readdirSync(join(d, "groth16")).sort()).toEqual(["Verifier.sol", "keys", "proof"]);
  });

  it("a stale lock left by a dead process is taken over", async () => {
    const d = mkdtempSync(join(tmp, "stale-"));
    cpSync(dir, d, { recursive: true });
    const dead = spawn(process.execPath, ["-e", ""]);
    await new Promise((r) => dead.on("exit", r));
    writeFileSync(
      join(d, LOCK_FILE),
      JSON.stringify({
        pid: dead.pid,
        host: (await import("node:os")).hostname(),
        step: "prove",
        since: "x",
        token: "t",
      }),
    );
    expect((await verify(d)).valid).toBe(true);
    expect(existsSync(join(d, LOCK_FILE))).toBe(false);
  });

  it("two `prove`s at once on one build never mix their records", async () => {
    // Whole CLI processes, as two users or CI jobs would run them.
    const proveCli = (input: string) =>
      new Promise<number>((resolve) => {
        const p = spawn(process.execPath, [...CLI_ARGS, "prove", dir, "-i", input], {
          cwd: ROOT,
          stdio: "ignore",
        });
        p.on("exit", (code) => resolve(code ?? -1));
      });
    const expected = new Map([
      [(await outputsOf(A)).predicted, A],
      [(await outputsOf(B)).predicted, B],
    ]);
    for (let trial = 0; trial < 3; trial++) {
      const codes = await Promise.all([proveCli(A), proveCli(B), prove(dir, trial % 2 ? A : B)]);
      expect(codes.slice(0, 2)).toEqual([0, 0]);
      const v = await verify(dir);
      expect(v.valid).toBe(true);
      const input = JSON.parse(readFileSync(join(proofRecord(dir), "input.json"), "utf8"));
      const fromFile = JSON.parse(readFileSync(expected.get(v.predicted) as string, "utf8")).input_data[0];
      // The record's input is the input whose outputs its public signals carry.
      expect(input.in_input.map(Number)).toEqual(fromFile.map((x: number) => Math.round(x * 256)));
    }
  });
});

describe("compile's build directory", () => {
  it("refuses a file or a folder of other files as -o, with exit 1 and a hint", () => {
    const file = join(tmp, "a-file");
    writeFileSync(file, "x");
    const r = zkmlc("compile", model, "-o", file, "--input-range", "-1,1");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error\[bad-input\]: .*a-file exists and is not a directory\n {2}hint: /);
    const other = mkdtempSync(join(tmp, "other-"));
    writeFileSync(join(other, "notes.txt"), "mine");
    const o = zkmlc("compile", model, "-o", other, "--input-range", "-1,1");
    expect(o.code).toBe(1);
    expect(o.stderr).toMatch(/not a zkmlc build directory/);
    expect(readFileSync(join(other, "notes.txt"), "utf8")).toBe("mine");
  });

  it("a compile killed midway leaves the previous build intact and usable", async () => {
    const d = mkdtempSync(join(tmp, "killed-"));
    cpSync(dir, d, { recursive: true });
    const before = readFileSync(join(d, "settings.json"), "utf8");
    // The MNIST model's circom run takes seconds: kill the process once it is compiling in its staging
    // folder. One process (tsx as a loader): tsx's CLI would run the compile in a child that outlives it.
    const p = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        join(ROOT, "src/cli/main.ts"),
        "compile",
        join(ROOT, "examples/mnist_mlp/model.onnx"),
        "-o",
        d,
      ],
      { cwd: ROOT, stdio: "ignore" },
    );
    const exited = new Promise((r) => p.on("exit", r));
    const staging = () => readdirSync(d).find((f) => f.startsWith("compile.tmp-"));
    for (let i = 0; i < 6000 && !staging(); i++) await new Promise((r) => setTimeout(r, 20));
    const s = staging();
    expect(s).toBeDefined();
    for (let i = 0; i < 6000 && !existsSync(join(d, s as string, "lib", "zkmlc")); i++)
      await new Promise((r) => setTimeout(r, 20));
    p.kill("SIGKILL");
    await exited;
    expect(readFileSync(join(d, "settings.json"), "utf8")).toBe(before);
    expect((await verify(d)).valid).toBe(true);
    // The next step cleaned up what the killed one left.
    expect(readdirSync(d).filter((f) => f.includes(".tmp-") || f === LOCK_FILE)).toEqual([]);
  });
});

/**
 * EZKL's example models (../shared/corpus/ezkl/<name>/: network.onnx, input.json, ort_output.json):
 * compile calibrated on input.json, witness, r1cs check, comparison with onnxruntime's output, and a
 * Groth16 proof for every model that fits a 2^18 setup. Shared with test/corpus/ezkl.test.ts.
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { DType } from "../src/1-decode/graph.js";
import { planModel } from "../src/steps/compile.js";
import { parseOneSample, readJsonInput } from "../src/steps/inputs.js";
import type { CompileOptions } from "../src/steps/settings.js";
import type { Expected } from "./compare.js";
import { readModelProto } from "./node-test.js";
import {
  buildDirOf,
  compileAndCheck,
  failure,
  fitsSetup,
  MAX_POWER,
  proveAndVerify,
  StageError,
  stage,
} from "./pipeline.js";
import type { Task, TestResult } from "./result.js";
import { listTests, SUITES } from "./suites.js";

export const EZKL_DIR = SUITES.ezkl.dir;

/** Model folders (with a network.onnx), sorted. */
export function ezklModels(): string[] {
  return listTests("ezkl");
}

/** Why a model cannot be run at all (no input to prove on), or undefined. */
export function ezklNotRunnable(name: string): string | undefined {
  return existsSync(join(EZKL_DIR, name, "input.json")) ? undefined : "no input.json to run the model on";
}

interface OrtOutput {
  outputs: { name: string; dims: number[]; type: string; data: number[] }[];
}

/** onnxruntime's outputs on input.json, as comparison references. */
export function ortExpected(name: string): Expected[] {
  const ort = JSON.parse(readFileSync(join(EZKL_DIR, name, "ort_output.json"), "utf8")) as OrtOutput;
  return ort.outputs.map((o) => ({
    name: o.name,
    dtype: (o.type === "float" ? "float32" : o.type) as DType,
    data: o.data.map(Number),
  }));
}

/**
 * The input file to use. A few input.json files hold more arrays than the model has inputs (bitwise_ops:
 * 4 arrays, inputs "input2", "input3"); ort_output.json was made by picking arrays by the input names'
 * numeric suffix ("input" = 0), so the harness writes that selection to `work` and uses it.
 */
async function inputFile(dir: string, work: string): Promise<string> {
  const path = join(dir, "input.json");
  const obj = JSON.parse(await readFile(path, "utf8")) as { input_data?: unknown[] };
  const g = readModelProto(join(dir, "network.onnx")).graph;
  const inits = new Set((g?.initializer ?? []).map((t) => t.name));
  const names = (g?.input ?? []).filter((v) => !inits.has(v.name)).map((v) => v.name ?? "");
  const data = obj.input_data;
  if (!Array.isArray(data) || data.length <= names.length) return path;
  const picked = names.map((n) => data[Number(/(\d+)$/.exec(n)?.[1] ?? 0)]);
  const out = join(work, "input.json");
  await writeFile(out, JSON.stringify({ input_data: picked }));
  return out;
}

export async function runEzklModel(task: Task): Promise<TestResult> {
  const t0 = performance.now();
  const base: TestResult = { suite: "ezkl", name: task.name, op: task.op, ops: task.ops, status: "fail" };
  try {
    await mkdir(task.work, { recursive: true });
    const input = await stage("load", () => inputFile(task.dir, task.work));
    const opts: CompileOptions = {
      calibration: input,
      inputVisibility: task.publicInputs ? "public" : "private",
    };
    const model = join(task.dir, "network.onnx");
    if (!existsSync(join(task.dir, "ort_output.json"))) {
      // onnxruntime could not run it (the corpus has no reference): zkmlc refusing it is still a clear answer.
      await stage("compile", () => planModel(model, opts));
      throw new StageError(
        "compare",
        "no-reference",
        "no ort_output.json (onnxruntime could not run the model)",
      );
    }
    const expected = await stage("load", () => ortExpected(task.name));
    const checked = await compileAndCheck(
      model,
      buildDirOf(task.work),
      opts,
      async (build) => parseOneSample(await readJsonInput(input, "input"), build.graph.inputs, input),
      expected,
    );
    const r: TestResult = { ...base, ...checked.result, status: "pass" };
    if (!task.prove) r.notProven = "proving disabled (--no-prove)";
    else if (!fitsSetup(checked.build))
      r.notProven = `${checked.build.settings.circuit.constraints} constraints do not fit a 2^${MAX_POWER} setup`;
    else {
      r.proof = await proveAndVerify(checked);
      if (!r.proof.verified)
        Object.assign(r, { status: "fail", stage: "prove", code: "prove-failed", reason: r.proof.reason });
    }
    return { ...r, seconds: (performance.now() - t0) / 1000 };
  } catch (e) {
    return { ...base, ...failure(e), seconds: (performance.now() - t0) / 1000 };
  } finally {
    await rm(task.work, { recursive: true, force: true });
  }
}

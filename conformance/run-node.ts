/** One in-scope ONNX node test through the pipeline (runs in a worker process). */
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { DType } from "../src/1-decode/graph.js";
import { decodeTensor } from "../src/1-decode/tensor.js";
import { bindInputs, readNodeTest } from "./node-test.js";
import { buildDirOf, compileAndCheck, failure, proveAndVerify, StageError, stage } from "./pipeline.js";
import type { Task, TestResult } from "./result.js";

export async function runNodeTest(task: Task): Promise<TestResult> {
  const t0 = performance.now();
  const base: TestResult = {
    suite: task.suite,
    name: task.name,
    op: task.op,
    ops: task.ops,
    status: "fail",
    bound: task.bind,
  };
  try {
    const t = await stage("load", () => readNodeTest(task.dir, task.name));
    const bind = new Set(task.bind);
    await mkdir(task.work, { recursive: true });
    const modelPath = join(task.work, "model.onnx");
    const calPath = join(task.work, "calibration.json");
    // Circuit inputs keep the test's values; decoding them is part of what zkmlc must support.
    const inputs = await stage("compile", async () => {
      await writeFile(modelPath, bindInputs(t, bind));
      const ins = t.inputs
        .filter((i) => !bind.has(i.name))
        .map((i) => ({ name: i.name, data: decodeTensor(i.tensor, `input "${i.name}"`).data }));
      // The calibrated range of each input is its own min/max (the calibration file's rule).
      await writeFile(
        calPath,
        JSON.stringify(Object.fromEntries(ins.map((i) => [i.name, Array.from(i.data)]))),
      );
      return new Map(ins.map((i) => [i.name, i.data]));
    });
    const expected = await stage("compile", () =>
      t.outputs.map((o) => {
        const d = decodeTensor(o.tensor, `expected output "${o.name}"`);
        return { name: o.name, shape: d.shape, dtype: d.dtype as DType, data: d.data };
      }),
    );
    const checked = await compileAndCheck(
      modelPath,
      buildDirOf(task.work),
      { calibration: calPath, inputVisibility: task.publicInputs ? "public" : "private" },
      (build) =>
        build.graph.inputs.map((gi) => {
          const v = inputs.get(gi.name);
          if (!v) throw new StageError("witness", "harness", `no test data for graph input "${gi.name}"`);
          return v;
        }),
      expected,
    );
    const r: TestResult = { ...base, ...checked.result, status: "pass" };
    if (task.prove) {
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

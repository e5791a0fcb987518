/**
 * A fuzz worker process: regenerates each case it is sent from its id (mutate-onnx.ts, mutate-input.ts),
 * runs it through zkmlc's library and reports the outcome. Run by pool.ts with `node --import tsx`, so
 * a native crash, an out-of-memory abort or a hang kills this process, not the test.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decodeModel } from "../../src/1-decode/decode.js";
import type { Graph } from "../../src/1-decode/graph.js";
import { inputIntRange } from "../../src/3-lower/quantize.js";
import { ZkmlError } from "../../src/errors.js";
import { parseDataset, parseOneSample, quantizeSample, readJsonInput } from "../../src/steps/inputs.js";
import { inspect } from "../../src/steps/inspect.js";
import { INPUT_SEEDS, inputText, planInputCase } from "./mutate-input.js";
import { materialize, planCase } from "./mutate-onnx.js";
import type { FuzzResult, FuzzTask, WorkerMessage } from "./protocol.js";
import { SEEDS } from "./seeds.js";

const root = process.env.ZKMLC_FUZZ_TMP;
if (!root) throw new Error("ZKMLC_FUZZ_TMP is not set");
const dir = join(root, `worker-${process.pid}`);
mkdirSync(dir, { recursive: true });

/** Thrown by a stage that must not fail (the harness itself). */
class Failure extends Error {}

/** Run one stage: a ZkmlError other than "bug" is an acceptable answer; anything else is a failure. */
async function stage(name: string, f: () => unknown): Promise<string | undefined> {
  try {
    await f();
    return undefined;
  } catch (e) {
    if (e instanceof ZkmlError && e.code !== "bug") return e.code;
    const err = e as Error;
    const what = e instanceof ZkmlError ? `ZkmlError[bug]: ${err.message}` : `${err?.name}: ${err?.message}`;
    const stack = String(err?.stack ?? "")
      .split("\n")
      .slice(1, 6)
      .map((l) => l.trim())
      .join(" | ");
    throw new Failure(`${name}: ${what.slice(0, 400)} @ ${stack}`);
  }
}

async function onnxCase(id: number): Promise<string | undefined> {
  const c = planCase(id);
  let bytes: Uint8Array;
  try {
    bytes = materialize(c);
  } catch (e) {
    throw new Failure(`mutation could not be encoded: ${(e as Error).message}`);
  }
  const path = join(dir, "model.onnx");
  writeFileSync(path, bytes);
  const decoded = await stage("decode", () => decodeModel(bytes));
  const inspected = await stage("inspect", () => inspect(path, c.opts));
  return inspected ?? decoded;
}

const specs = new Map<string, Graph>();
function seedGraph(name: string): Graph {
  let graph = specs.get(name);
  if (!graph) {
    const seed = SEEDS.find((s) => s.name === name);
    if (!seed) throw new Failure(`no seed ${name}`);
    graph = decodeModel(seed.bytes());
    specs.set(name, graph);
  }
  return graph;
}

async function inputCase(id: number): Promise<string | undefined> {
  const c = planInputCase(id);
  if (!INPUT_SEEDS.includes(c.model)) throw new Failure(`no input seed ${c.model}`);
  const graph = seedGraph(c.model);
  const constants = graph.constantInputs ?? [];
  const path = join(dir, "input.json");
  writeFileSync(path, inputText(c, graph.inputs, constants));
  // The settings a compile at the default scales and range would record for these inputs.
  const settingsInputs = graph.inputs.map((i) => {
    const scale = i.dtype.startsWith("float") ? 8 : 0;
    const r = inputIntRange([-1, 1], scale);
    return {
      name: i.name,
      scale,
      range: [-1, 1] as [number, number],
      intRange: [String(r.lo), String(r.hi)] as [string, string],
    };
  });
  let codes: (string | undefined)[] = [];
  const one = await stage("input", async () => {
    const sample = parseOneSample(await readJsonInput(path, "input"), graph.inputs, path, constants);
    quantizeSample(sample, settingsInputs);
  });
  const many = await stage("dataset", async () =>
    parseDataset(await readJsonInput(path, "data"), graph.inputs, path, constants),
  );
  codes = [one, many];
  return codes.find((x) => x !== undefined);
}

/** What the pool must survive and report: a worker that dies (as on a native abort) or hangs. */
function probe(id: number): never {
  if (id === 0) process.kill(process.pid, "SIGKILL");
  for (;;) {
    // a case that never returns
  }
}

async function run(task: FuzzTask): Promise<FuzzResult> {
  if (task.kind === "probe") probe(task.id);
  const t0 = performance.now();
  try {
    const code = task.kind === "onnx" ? await onnxCase(task.id) : await inputCase(task.id);
    const ms = performance.now() - t0;
    return code === undefined ? { ...task, outcome: "ok", ms } : { ...task, outcome: "user-error", code, ms };
  } catch (e) {
    return { ...task, outcome: "failure", detail: (e as Error).message, ms: performance.now() - t0 };
  }
}

const send = (m: WorkerMessage) => process.send?.(m);
process.on("message", (task: FuzzTask) => {
  void run(task).then((result) => send({ result }));
});
send({ ready: true });

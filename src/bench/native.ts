/**
 * Native (float) inference time: the denominator of the headline ratio. onnxruntime-node always runs
 * (one intra-op thread, as zkmlc's reference); TensorFlow.js runs through tfjs-node (libtensorflow)
 * when that optional dependency loads, and through its pure-JS CPU backend when @tensorflow/tfjs is
 * installed. Every backend's outputs are checked against onnxruntime's before it is timed.
 */
import type * as TF from "@tensorflow/tfjs";
import type { Graph } from "../1-decode/graph.js";
import type { Sample } from "../steps/inputs.js";
import { loadFloatModel } from "../steps/onnxruntime.js";
import { stats } from "./stats.js";
import { tfjsFunction } from "./tfjs-graph.js";
import type { NativeResult } from "./types.js";

export interface TimingOptions {
  /** Untimed calls first (JIT, allocations). Default 20. */
  warmup?: number;
  /** Keep timing until this many seconds have passed... Default 1. */
  seconds?: number;
  /** ...and at least this many calls. Default 100. */
  minIterations?: number;
  /** At most this many calls. Default 20000. */
  maxIterations?: number;
}

/** Seconds per call: median, min and max over many calls after a warm-up. */
export async function timeCalls(f: () => unknown, o: TimingOptions = {}) {
  for (let i = 0; i < (o.warmup ?? 20); i++) await f();
  const times: number[] = [];
  const start = performance.now();
  const budget = (o.seconds ?? 1) * 1000;
  while (
    times.length < (o.maxIterations ?? 20000) &&
    (times.length < (o.minIterations ?? 100) || performance.now() - start < budget)
  ) {
    const t = performance.now();
    await f();
    times.push((performance.now() - t) / 1000);
  }
  return { ...stats(times), iterations: times.length };
}

const maxDiff = (a: Float64Array[], b: Float64Array[]) =>
  Math.max(0, ...a.flatMap((x, i) => Array.from(x, (v, j) => Math.abs(v - (b[i]?.[j] ?? Number.NaN)))));

type TfModule = typeof TF;

/** Imports a module, silencing tfjs's console banner; the reason it failed otherwise. */
async function load(name: string): Promise<TfModule | string> {
  const warn = console.warn;
  console.warn = () => {};
  try {
    const tf = (await import(name)) as TfModule & { default?: TfModule };
    return tf.default && "tensor" in tf.default ? tf.default : tf;
  } catch (e) {
    const why = ((e as Error).message ?? String(e)).split("\n")[0]?.replace(/ imported from .*/, "");
    return `${name} is not installed or does not load: ${why}`;
  } finally {
    console.warn = warn;
  }
}

async function tfBackend(
  label: string,
  module: string,
  backend: string,
  graph: Graph,
  sample: Sample,
  reference: Float64Array[],
  timing: TimingOptions,
): Promise<NativeResult> {
  const tf = await load(module);
  if (typeof tf === "string") return { backend: label, ran: false, reason: tf };
  const warn = console.warn;
  console.warn = () => {};
  try {
    if (!(await tf.setBackend(backend)))
      return { backend: label, ran: false, reason: `no ${backend} backend` };
    await tf.ready();
    const run = tfjsFunction(tf, graph);
    const diff = maxDiff(run(sample), reference);
    const scale = Math.max(1, ...reference.flatMap((r) => Array.from(r, Math.abs)));
    if (!(diff <= 1e-3 * scale))
      return { backend: label, ran: false, reason: `outputs differ from onnxruntime's by ${diff}` };
    const t = await timeCalls(() => run(sample), timing);
    return { backend: label, ran: true, ...t, maxAbsDiffVsOnnxruntime: diff };
  } catch (e) {
    return { backend: label, ran: false, reason: (e as Error).message };
  } finally {
    console.warn = warn;
  }
}

export const ORT_BACKEND = "onnxruntime-node (CPU, 1 thread)";

/** Every native backend on one sample: onnxruntime-node first (it always runs), then tfjs ones. */
export async function nativeInference(
  modelPath: string,
  graph: Graph,
  sample: Sample,
  timing: TimingOptions = {},
): Promise<NativeResult[]> {
  const ort = await loadFloatModel(modelPath, graph.inputs, graph.outputs);
  const reference = await ort.run(sample);
  const t = await timeCalls(() => ort.run(sample), timing);
  const out: NativeResult[] = [{ backend: ORT_BACKEND, ran: true, ...t, maxAbsDiffVsOnnxruntime: 0 }];
  out.push(
    await tfBackend(
      "tfjs-node (libtensorflow)",
      "@tensorflow/tfjs-node",
      "tensorflow",
      graph,
      sample,
      reference,
      timing,
    ),
  );
  out.push(
    await tfBackend("tfjs (pure-JS CPU)", "@tensorflow/tfjs", "cpu", graph, sample, reference, timing),
  );
  return out;
}

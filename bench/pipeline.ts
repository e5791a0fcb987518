/**
 * Proving cost against native inference for one model: medians (min, max) over N runs of every step,
 * and onnxruntime-node's inference time measured in the same process, so the ratios are comparable
 * across machines. Usage: npx tsx bench/pipeline.ts <model.onnx> <input.json> [runs] [--input-visibility public|private]
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { releaseCurves } from "../src/6-prove/curve.js";
import { loadBuild } from "../src/steps/build.js";
import { compile } from "../src/steps/compile.js";
import { parseOneSample, readJsonInput } from "../src/steps/inputs.js";
import { loadFloatModel } from "../src/steps/onnxruntime.js";
import { prove } from "../src/steps/prove.js";
import { setup } from "../src/steps/setup.js";
import { verify } from "../src/steps/verify.js";

const [model, input, runsArg] = process.argv.slice(2);
if (!model || !input) {
  console.error(
    "usage: npx tsx bench/pipeline.ts <model.onnx> <input.json> [runs] [--input-visibility public|private]",
  );
  process.exit(1);
}
const runs = Number(runsArg ?? 3);
const vis = process.argv.includes("public") ? "public" : "private";

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return {
    median: s[Math.floor(s.length / 2)] as number,
    min: s[0] as number,
    max: s[s.length - 1] as number,
  };
};
const timed = async (f: () => Promise<unknown>) => {
  const t0 = performance.now();
  await f();
  return (performance.now() - t0) / 1000;
};

const steps: Record<string, number[]> = { compile: [], setup: [], witness: [], prove: [], verify: [] };
let constraints = 0;
for (let i = 0; i < runs; i++) {
  const dir = mkdtempSync(join(tmpdir(), "zkmlc-bench-"));
  steps.compile?.push(
    await timed(async () => {
      constraints = (await compile(model, dir, { calibration: input, inputVisibility: vis })).settings.circuit
        .constraints;
    }),
  );
  steps.setup?.push(await timed(() => setup(dir)));
  const p = await prove(dir, input);
  steps.witness?.push(p.timings.witness);
  steps.prove?.push(p.timings.prove);
  steps.verify?.push(await timed(() => verify(dir)));
  if (i === runs - 1) {
    const build = await loadBuild(dir);
    const sample = parseOneSample(await readJsonInput(input, "input"), build.graph.inputs, input);
    const ort = await loadFloatModel(build.modelPath, build.graph.inputs, build.graph.outputs);
    await ort.run(sample); // warm-up
    const native: number[] = [];
    for (let j = 0; j < 200; j++) native.push(await timed(() => ort.run(sample)));
    const n = stats(native).median;
    const prv = stats(steps.prove ?? []).median;
    const report = {
      model,
      inputVisibility: vis,
      constraints,
      runs,
      steps: Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, stats(v)])),
      nativeInference: { backend: "onnxruntime-node (CPU)", median: n },
      proveOverNative: prv / n,
    };
    console.log(JSON.stringify(report, null, 2));
  }
}
await releaseCurves();

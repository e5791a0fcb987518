/**
 * Proving cost against native inference for one model: medians (min, max) over N runs of every step,
 * and onnxruntime-node's inference time measured in the same process, so the ratios are comparable
 * across machines, and the verifier's gas on an in-process EVM.
 * Usage: npx tsx bench/pipeline.ts <model.onnx> <input.json> [runs] [--public] [--system groth16|plonk|fflonk]
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { releaseCurves } from "../src/6-prove/curve.js";
import { isProofSystem, type ProofSystem } from "../src/6-prove/systems.js";
import { loadBuild } from "../src/steps/build.js";
import { compile } from "../src/steps/compile.js";
import { verifyEvm } from "../src/steps/evm.js";
import { parseOneSample, readJsonInput } from "../src/steps/inputs.js";
import { loadFloatModel } from "../src/steps/onnxruntime.js";
import { prove } from "../src/steps/prove.js";
import { setup } from "../src/steps/setup.js";
import { verify } from "../src/steps/verify.js";

const [model, input, runsArg] = process.argv.slice(2);
if (!model || !input) {
  console.error(
    "usage: npx tsx bench/pipeline.ts <model.onnx> <input.json> [runs] [--public] [--system groth16|plonk|fflonk]",
  );
  process.exit(1);
}
const runs = Number(runsArg ?? 3);
const vis = process.argv.includes("--public") ? "public" : "private";
const sysArg = process.argv[process.argv.indexOf("--system") + 1];
const system: ProofSystem =
  process.argv.includes("--system") && sysArg && isProofSystem(sysArg) ? sysArg : "groth16";

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
      constraints = (await compile(model, dir, { calibration: input, inputVisibility: vis, system })).settings
        .circuit.constraints;
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
    const evm = await verifyEvm(dir);
    const report = {
      model,
      system,
      inputVisibility: vis,
      constraints,
      runs,
      steps: Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, stats(v)])),
      nativeInference: { backend: "onnxruntime-node (CPU)", median: n },
      proveOverNative: prv / n,
      evm: { valid: evm.valid, verifyGas: evm.gasUsed, deployGas: evm.deployGas },
    };
    console.log(JSON.stringify(report, null, 2));
  }
}
await releaseCurves();

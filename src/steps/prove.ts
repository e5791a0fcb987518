import { snarkProve } from "../6-prove/snark_prove.js";
import type { ProofSystem } from "../6-prove/systems.js";
import { writeWtns } from "../6-prove/witness.js";
import { artifactPath, systemArtifactPath, writeJsonAtomic } from "../artifacts.js";
import { type Build, loadBuild, loadRunner } from "./build.js";
import { parseOneSample, readJsonInput, type Sample } from "./inputs.js";
import { loadFloatModel } from "./onnxruntime.js";
import { loadKeys } from "./setup.js";
import { compareOutputs, computeWitness, type OutputReport } from "./witness.js";

export interface OutputFile {
  outputs: OutputReport[];
  /** argmax of the first output, when it is a vector of scores. */
  predicted: number;
  maxAbsError: number;
}

async function readSample(build: Build, inputPath: string): Promise<Sample> {
  return parseOneSample(await readJsonInput(inputPath, "input"), build.graph.inputs, inputPath);
}

/** The `witness` step: witness.wtns and output.json (circuit vs onnxruntime), without proving. */
export async function witness(
  buildDir: string,
  inputPath: string,
): Promise<{ build: Build; output: OutputFile; wtns: Uint8Array }> {
  const build = await loadBuild(buildDir);
  const sample = await readSample(build, inputPath);
  const runner = await loadRunner(build);
  const w = await computeWitness(build, runner, sample);
  const wtns = await runner.wc.calculateWtns(w.circuitInput);
  await writeWtns(artifactPath(buildDir, "witness"), wtns);
  const float = await (await loadFloatModel(build.modelPath, build.graph.inputs, build.graph.outputs)).run(
    sample,
  );
  const outputs = compareOutputs(build, w.outputs, float);
  const output: OutputFile = {
    outputs,
    predicted: outputs[0]?.argmax.circuit ?? 0,
    maxAbsError: Math.max(...outputs.map((o) => o.maxAbsError)),
  };
  await writeJsonAtomic(artifactPath(buildDir, "input"), { ...w.circuitInput });
  await writeJsonAtomic(artifactPath(buildDir, "output"), output);
  return { build, output, wtns };
}

export interface ProveResult {
  system: ProofSystem;
  output: OutputFile;
  publicSignals: string[];
  timings: { witness: number; prove: number };
}

/** The `prove` step: witness, then proof.json and public.json in <build>/<system>/. */
export async function prove(
  buildDir: string,
  inputPath: string,
  opts: { system?: ProofSystem; log?: (s: string) => void } = {},
): Promise<ProveResult> {
  const t0 = performance.now();
  const { build, output, wtns } = await witness(buildDir, inputPath);
  const system = opts.system ?? build.settings.system ?? "groth16";
  await loadKeys(build, system, ["zkey"]);
  const t1 = performance.now();
  opts.log?.(`${system} prove`);
  const { proof, publicSignals } = await snarkProve(
    system,
    systemArtifactPath(buildDir, system, "zkey"),
    wtns,
    {
      logger: opts.log,
    },
  );
  const t2 = performance.now();
  await writeJsonAtomic(systemArtifactPath(buildDir, system, "proof"), proof);
  await writeJsonAtomic(systemArtifactPath(buildDir, system, "public"), publicSignals);
  return { system, output, publicSignals, timings: { witness: (t1 - t0) / 1000, prove: (t2 - t1) / 1000 } };
}

import { ZkmlError } from "../errors.js";
import { loadBuild, loadRunner, referenceModel } from "./build.js";
import { parseDataset, readJsonInput } from "./inputs.js";
import { loadFloatModel } from "./onnxruntime.js";
import { argmax, computeWitness, maxAbsDiff } from "./witness.js";

export interface AccuracyResult {
  samples: number;
  /** Samples refused because an input lies outside the calibrated range. */
  outOfRange: number;
  argmaxAgreement: number;
  agreeing: number;
  maxAbsError: number;
  meanAbsError: number;
  /** The proven worst-case quantization error of the first output, for comparison. */
  errorBound: number;
}

/**
 * The `accuracy` step: every sample goes through the circuit's witness generator (checked against the
 * integer reference) and through onnxruntime; reports agreement of the first output's argmax and the
 * absolute error over all outputs.
 */
export async function accuracy(
  buildDir: string,
  dataPath: string,
  progress?: (done: number, total: number) => void,
): Promise<AccuracyResult> {
  const build = await loadBuild(buildDir);
  const samples = parseDataset(
    await readJsonInput(dataPath, "data"),
    build.graph.inputs,
    dataPath,
    build.graph.constantInputs,
  );
  const runner = await loadRunner(build);
  const float = await loadFloatModel(await referenceModel(build), build.graph.inputs, build.graph.outputs);
  let agreeing = 0;
  let outOfRange = 0;
  let maxErr = 0;
  let sumErr = 0;
  let count = 0;
  for (const [i, sample] of samples.entries()) {
    let circuit: number[][];
    try {
      circuit = (await computeWitness(build, runner, sample)).outputs;
    } catch (e) {
      if (e instanceof ZkmlError && e.code === "input-out-of-range") {
        outOfRange++;
        continue;
      }
      throw e;
    }
    const ref = await float.run(sample);
    if (argmax(circuit[0] ?? []) === argmax(ref[0] ?? [])) agreeing++;
    circuit.forEach((c, k) => {
      const f = ref[k] ?? new Float64Array(0);
      maxErr = Math.max(maxErr, maxAbsDiff(c, f));
      c.forEach((v, j) => {
        sumErr += Math.abs(v - (f[j] as number));
        count++;
      });
    });
    progress?.(i + 1, samples.length);
  }
  const evaluated = samples.length - outOfRange;
  return {
    samples: samples.length,
    outOfRange,
    argmaxAgreement: evaluated === 0 ? 0 : agreeing / evaluated,
    agreeing,
    maxAbsError: maxErr,
    meanAbsError: count === 0 ? 0 : sumErr / count,
    errorBound: build.settings.outputs[0]?.errorBound ?? 0,
  };
}

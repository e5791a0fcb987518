import { join } from "node:path";
import { snarkProve } from "../6-prove/snark_prove.js";
import type { ProofSystem } from "../6-prove/systems.js";
import { writeWtns } from "../6-prove/witness.js";
import { keyPath, PROOF_FILES, proofDir, WITNESS_FILES, witnessDir, writeJsonAtomic } from "../artifacts.js";
import { bug } from "../errors.js";
import { withBuildLock } from "../lock.js";
import { writeRecord } from "../record.js";
import { type Build, loadBuild, loadRunner } from "./build.js";
import { commitmentOf, readWeights, withWeights } from "./commitments.js";
import { parseOneSample, readJsonInput } from "./inputs.js";
import { readKeys } from "./keys.js";
import { loadFloatModel } from "./onnxruntime.js";
import { decodePublicSignals } from "./public-signals.js";
import { compareOutputs, computeWitness, type OutputReport, type WitnessResult } from "./witness.js";

/** output.json of a witness record: the circuit's outputs against onnxruntime's on the same input. */
export interface OutputFile {
  outputs: OutputReport[];
  /** argmax of the first output, when it is a vector of scores. */
  predicted: number;
  maxAbsError: number;
}

/** output.json of a proof record: the same, plus the key the proof was made with. */
export interface ProofOutputFile extends OutputFile {
  system: ProofSystem;
  /** The public commitments (field elements, decimal) by role and signal. */
  commitments?: { role: string; signal: string; value: string }[];
  /** With hashed outputs: the circuit's integer outputs, what the output commitment is of. */
  ints?: string[][];
  /** Lets verify tell a proof made before a new contribution (or setup) from a forged one. */
  key: { vkey: string; contributions: number; beacon: boolean };
}

interface Witnessed {
  build: Build;
  w: WitnessResult;
  wtns: Uint8Array;
  output: OutputFile;
}

/** Witness of one input (checked against the integer reference) and its comparison with onnxruntime. */
async function witnessOf(buildDir: string, inputPath: string, weights?: string): Promise<Witnessed> {
  const loaded = await loadBuild(buildDir);
  // Other weights of the same architecture (--param-visibility hashed|private): the same circuit.
  const build = weights
    ? { ...loaded, plan: withWeights(loaded.plan, await readWeights(loaded.settings, weights)) }
    : loaded;
  const sample = parseOneSample(
    await readJsonInput(inputPath, "input"),
    build.graph.inputs,
    inputPath,
    build.graph.constantInputs,
  );
  const runner = await loadRunner(build);
  const w = await computeWitness(build, runner, sample);
  const wtns = await w.wtns();
  const float = await (
    await loadFloatModel(weights ?? build.modelPath, build.graph.inputs, build.graph.outputs)
  ).run(sample);
  const outputs = compareOutputs(build, w.outputs, float);
  const output: OutputFile = {
    outputs,
    predicted: outputs[0]?.argmax.circuit ?? 0,
    maxAbsError: Math.max(...outputs.map((o) => o.maxAbsError)),
  };
  return { build, w, wtns, output };
}

/** The `witness` step: the witness/ record (witness.wtns, input.json, output.json), without proving. */
export async function witness(
  buildDir: string,
  inputPath: string,
  opts: { log?: (s: string) => void; weights?: string } = {},
): Promise<{ output: OutputFile; wtns: Uint8Array }> {
  return withBuildLock(
    buildDir,
    "witness",
    async () => {
      const { w, wtns, output } = await witnessOf(buildDir, inputPath, opts.weights);
      await writeRecord(witnessDir(buildDir), async (tmp) => {
        await writeWtns(join(tmp, WITNESS_FILES.wtns), wtns);
        await writeJsonAtomic(join(tmp, WITNESS_FILES.input), w.circuitInput);
        await writeJsonAtomic(join(tmp, WITNESS_FILES.output), output);
      });
      return { output, wtns };
    },
    opts,
  );
}

export interface ProveOptions {
  system?: ProofSystem;
  log?: (s: string) => void;
  /** A model of the same architecture whose weights to prove with (weights made signals). */
  weights?: string;
}

export interface ProveResult {
  system: ProofSystem;
  output: ProofOutputFile;
  publicSignals: string[];
  timings: { witness: number; prove: number };
}

/**
 * The `prove` step: the proof record <build>/<system>/proof/ (proof.json, public.json, output.json,
 * input.json), written as one unit; nothing else in the build changes.
 */
export async function prove(
  buildDir: string,
  inputPath: string,
  opts: ProveOptions = {},
): Promise<ProveResult> {
  return withBuildLock(buildDir, "prove", () => proveLocked(buildDir, inputPath, opts), opts);
}

async function proveLocked(buildDir: string, inputPath: string, opts: ProveOptions): Promise<ProveResult> {
  const t0 = performance.now();
  const { build, w, wtns, output } = await witnessOf(buildDir, inputPath, opts.weights);
  const system = opts.system ?? build.settings.system ?? "groth16";
  const keys = await readKeys(build, system, ["zkey"]);
  const t1 = performance.now();
  opts.log?.(`${system} prove`);
  const { proof, publicSignals } = await snarkProve(system, keyPath(buildDir, system, "zkey"), wtns, {
    logger: opts.log,
  });
  const t2 = performance.now();
  // The outputs the record states are the ones the public signals carry.
  const decoded = decodePublicSignals(build.settings, publicSignals);
  if (decoded.problem || decoded.ints.some((o, k) => o.some((v, i) => v !== w.intOutputs[k]?.[i])))
    bug(
      `the proof's public signals do not carry the witness's outputs (${decoded.problem ?? "values differ"})`,
    );
  const outputCommitment = build.settings.commitments.find((c) => c.role === "output");
  const committed = decoded.commitments.find((c) => c.role === "output")?.value;
  if (outputCommitment && committed !== commitmentOf(outputCommitment, w.intOutputs))
    bug("the proof's output commitment is not the commitment to the witness's outputs");
  const record: ProofOutputFile = {
    ...output,
    system,
    key: { vkey: keys.vkey, contributions: keys.contributions, beacon: keys.beacon },
    ...(decoded.commitments.length > 0
      ? {
          commitments: decoded.commitments.map((c) => ({
            role: c.role,
            signal: c.signal,
            value: c.value.toString(),
          })),
        }
      : {}),
    ...(outputCommitment ? { ints: w.intOutputs.map((o) => o.map(String)) } : {}),
  };
  await writeRecord(proofDir(buildDir, system), async (tmp) => {
    await writeJsonAtomic(join(tmp, PROOF_FILES.proof), proof);
    await writeJsonAtomic(join(tmp, PROOF_FILES.public), publicSignals);
    await writeJsonAtomic(join(tmp, PROOF_FILES.output), record);
    await writeJsonAtomic(join(tmp, PROOF_FILES.input), w.circuitInput);
  });
  return {
    system,
    output: record,
    publicSignals,
    timings: { witness: (t1 - t0) / 1000, prove: (t2 - t1) / 1000 },
  };
}

import { mkdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { snarkProve } from "../6-prove/snark_prove.js";
import type { ProofSystem } from "../6-prove/systems.js";
import { writeWtns } from "../6-prove/witness.js";
import {
  batchDir,
  keyPath,
  PROOF_FILES,
  proofDir,
  WITNESS_FILES,
  witnessDir,
  writeJsonAtomic,
} from "../artifacts.js";
import { bug, fail, ZkmlError } from "../errors.js";
import { withBuildLock } from "../lock.js";
import { writeRecord } from "../record.js";
import { type Build, type CircuitRunner, loadBuild, loadRunner, referenceModel } from "./build.js";
import { commitmentOf, readWeights, withWeights } from "./commitments.js";
import { parseDataset, parseOneSample, readJsonInput, type Sample } from "./inputs.js";
import { readKeys } from "./keys.js";
import { type FloatModel, loadFloatModel } from "./onnxruntime.js";
import { decodePublicSignals } from "./public-signals.js";
import { compareOutputs, computeWitness, type OutputReport, type WitnessResult } from "./witness.js";

/** output.json of a witness record: the circuit's outputs against onnxruntime's on the same input. */
export interface OutputFile {
  outputs: OutputReport[];
  /** argmax of the first output, when it is a vector of scores. */
  predicted: number;
  /** The largest |circuit − onnxruntime| over the outputs; absent with --no-reference. */
  maxAbsError?: number;
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

/** What proving any number of inputs of one build needs, loaded once. */
interface Prover {
  build: Build;
  runner: CircuitRunner;
  /** onnxruntime's session of the model, unless the reference is skipped (--no-reference). */
  float?: FloatModel;
}

export interface WitnessOptions {
  log?: (s: string) => void;
  /** A model of the same architecture whose weights to prove with (weights made signals). */
  weights?: string;
  /** false: skip the onnxruntime comparison (output.json then holds the circuit's outputs only). */
  reference?: boolean;
}

async function loadProver(buildDir: string, opts: WitnessOptions): Promise<Prover> {
  opts.log?.("loading the build");
  const loaded = await loadBuild(buildDir);
  // Other weights of the same architecture (--param-visibility hashed|private): the same circuit.
  const build = opts.weights
    ? { ...loaded, plan: withWeights(loaded.plan, await readWeights(loaded.settings, opts.weights)) }
    : loaded;
  const runner = await loadRunner(build);
  if (opts.reference === false) return { build, runner };
  opts.log?.("loading onnxruntime");
  const model = opts.weights ?? (await referenceModel(build));
  return { build, runner, float: await loadFloatModel(model, build.graph.inputs, build.graph.outputs) };
}

interface Witnessed {
  w: WitnessResult;
  wtns: Uint8Array;
  output: OutputFile;
}

/** Witness of one input (checked against the integer reference) and its comparison with onnxruntime. */
async function witnessOf({ build, runner, float }: Prover, sample: Sample): Promise<Witnessed> {
  const w = await computeWitness(build, runner, sample);
  const wtns = await w.wtns();
  const outputs = compareOutputs(build, w.outputs, float ? await float.run(sample) : undefined);
  const errors = outputs.flatMap((o) => (o.maxAbsError === undefined ? [] : [o.maxAbsError]));
  const output: OutputFile = {
    outputs,
    predicted: outputs[0]?.argmax.circuit ?? 0,
    ...(float ? { maxAbsError: Math.max(...errors) } : {}),
  };
  return { w, wtns, output };
}

/** The samples of an input file: one input object, or (batch) a JSON array of them. */
async function readSamples(
  build: Build,
  inputPath: string,
): Promise<{ batch: false; sample: Sample } | { batch: true; samples: Sample[] }> {
  const json = await readJsonInput(inputPath, "input");
  const { inputs, constantInputs } = build.graph;
  if (Array.isArray(json))
    return { batch: true, samples: parseDataset(json, inputs, inputPath, constantInputs) };
  return { batch: false, sample: parseOneSample(json, inputs, inputPath, constantInputs) };
}

function arrayGiven(inputPath: string, step: string): never {
  fail("bad-input", `${inputPath} holds an array of inputs, where \`${step}\` takes one input object`, {
    hint: "give one input object (`zkmlc prove --input` proves an array of them, one proof each)",
  });
}

/** The `witness` step: the witness/ record (witness.wtns, input.json, output.json), without proving. */
export async function witness(
  buildDir: string,
  inputPath: string,
  opts: WitnessOptions = {},
): Promise<{ output: OutputFile; wtns: Uint8Array }> {
  return withBuildLock(
    buildDir,
    "witness",
    async () => {
      const prover = await loadProver(buildDir, opts);
      const input = await readSamples(prover.build, inputPath);
      if (input.batch) arrayGiven(inputPath, "witness");
      opts.log?.("computing the witness");
      const { w, wtns, output } = await witnessOf(prover, input.sample);
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

export interface ProveOptions extends WitnessOptions {
  system?: ProofSystem;
}

export interface ProveResult {
  system: ProofSystem;
  output: ProofOutputFile;
  publicSignals: string[];
  timings: { witness: number; prove: number };
}

/** `prove` with an array of inputs: one proof record per input, in `<build>/<system>/proofs/<i>/`. */
export interface BatchProveResult {
  system: ProofSystem;
  count: number;
  proofs: { index: number; output: ProofOutputFile; publicSignals: string[] }[];
  /** Seconds: loading the build, key and onnxruntime once; witnesses and proofs summed over the inputs. */
  timings: { load: number; witness: number; prove: number; total: number; proofsPerMinute: number };
}

/** A proving key read once for many proofs, when it fits in one buffer with room to spare. */
const KEY_IN_MEMORY = 1 << 30;

interface Proved {
  proof: object;
  publicSignals: string[];
  record: ProofOutputFile;
  circuitInput: Record<string, string[]>;
}

/** The prover of a build's key: checks the key once, then proves witnesses one after another. */
async function keyProver(prover: Prover, system: ProofSystem, opts: ProveOptions) {
  const { build } = prover;
  const keys = await readKeys(build, system, ["zkey"]);
  const zkeyPath = keyPath(build.dir, system, "zkey");
  let zkeyData: Uint8Array | undefined;
  return async ({ w, wtns, output }: Witnessed, batch: boolean): Promise<Proved> => {
    if (batch && !zkeyData && (await stat(zkeyPath)).size < KEY_IN_MEMORY)
      zkeyData = await readFile(zkeyPath);
    opts.log?.(`${system} prove`);
    const { proof, publicSignals } = await snarkProve(system, zkeyPath, wtns, {
      logger: opts.log,
      zkeyData,
    });
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
    return { proof, publicSignals, record, circuitInput: w.circuitInput };
  };
}

async function writeProofFiles(dir: string, p: Proved): Promise<void> {
  await writeJsonAtomic(join(dir, PROOF_FILES.proof), p.proof);
  await writeJsonAtomic(join(dir, PROOF_FILES.public), p.publicSignals);
  await writeJsonAtomic(join(dir, PROOF_FILES.output), p.record);
  await writeJsonAtomic(join(dir, PROOF_FILES.input), p.circuitInput);
}

/**
 * The `prove` step for one input: the proof record <build>/<system>/proof/ (proof.json, public.json,
 * output.json, input.json), written as one unit; nothing else in the build changes.
 */
export async function prove(
  buildDir: string,
  inputPath: string,
  opts: ProveOptions = {},
): Promise<ProveResult> {
  return withBuildLock(
    buildDir,
    "prove",
    async () => (await proveLocked(buildDir, inputPath, opts, false)) as ProveResult,
    opts,
  );
}

/**
 * `zkmlc prove`: one input object proves into the proof record (as `prove`); a JSON array of inputs
 * proves each in turn in this process, with the build, the key and onnxruntime loaded once, into the
 * batch record <build>/<system>/proofs/ (one folder per input, swapped in as a unit).
 */
export async function proveInputs(
  buildDir: string,
  inputPath: string,
  opts: ProveOptions = {},
): Promise<ProveResult | BatchProveResult> {
  return withBuildLock(buildDir, "prove", () => proveLocked(buildDir, inputPath, opts, true), opts);
}

async function proveLocked(
  buildDir: string,
  inputPath: string,
  opts: ProveOptions,
  batch: boolean,
): Promise<ProveResult | BatchProveResult> {
  const t0 = performance.now();
  const prover = await loadProver(buildDir, opts);
  const input = await readSamples(prover.build, inputPath);
  if (input.batch && !batch) arrayGiven(inputPath, "prove");
  const system = opts.system ?? prover.build.settings.system ?? "groth16";
  const proveOne = await keyProver(prover, system, opts);
  if (!input.batch) {
    opts.log?.("computing the witness");
    const witnessed = await witnessOf(prover, input.sample);
    const t1 = performance.now();
    const p = await proveOne(witnessed, false);
    const t2 = performance.now();
    await writeRecord(proofDir(buildDir, system), (tmp) => writeProofFiles(tmp, p));
    return {
      system,
      output: p.record,
      publicSignals: p.publicSignals,
      timings: { witness: (t1 - t0) / 1000, prove: (t2 - t1) / 1000 },
    };
  }
  const load = (performance.now() - t0) / 1000;
  let witnessTime = 0;
  let proveTime = 0;
  const proved: Proved[] = [];
  for (const [index, sample] of input.samples.entries()) {
    const where = `input ${index} of ${inputPath}`;
    opts.log?.(`${where}: witness (${index + 1}/${input.samples.length})`);
    const a = performance.now();
    let witnessed: Witnessed;
    try {
      witnessed = await witnessOf(prover, sample);
    } catch (e) {
      // Which input of the batch is wrong; nothing of the batch is written.
      if (e instanceof ZkmlError && e.code !== "bug")
        throw new ZkmlError(e.code, `${where}: ${e.message}`, { hint: e.hint, cause: e });
      throw e;
    }
    const b = performance.now();
    proved.push(await proveOne(witnessed, true));
    witnessTime += (b - a) / 1000;
    proveTime += (performance.now() - b) / 1000;
  }
  await writeRecord(batchDir(buildDir, system), async (tmp) => {
    for (const [i, p] of proved.entries()) {
      await mkdir(join(tmp, String(i)));
      await writeProofFiles(join(tmp, String(i)), p);
    }
  });
  const total = (performance.now() - t0) / 1000;
  return {
    system,
    count: proved.length,
    proofs: proved.map((p, index) => ({ index, output: p.record, publicSignals: p.publicSignals })),
    timings: {
      load,
      witness: witnessTime,
      prove: proveTime,
      total,
      proofsPerMinute: (60 * proved.length) / total,
    },
  };
}

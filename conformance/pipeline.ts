/**
 * The steps every conformance test runs, as library calls: compile, witness (checked against the integer
 * reference by computeWitness), r1cs check, comparison with the reference output, and optionally a
 * Groth16 development setup, proof and verification.
 */
import { join } from "node:path";
import { checkWitness } from "../src/5-compile/r1cs.js";
import { snarkProve } from "../src/6-prove/snark_prove.js";
import { artifactPath, keyPath, PROOF_FILES, proofDir, writeJsonAtomic } from "../src/artifacts.js";
import { ZkmlError } from "../src/errors.js";
import { writeRecord } from "../src/record.js";
import { type Build, loadBuild, loadRunner } from "../src/steps/build.js";
import { compile } from "../src/steps/compile.js";
import type { Sample } from "../src/steps/inputs.js";
import type { CompileOptions } from "../src/steps/settings.js";
import { setup } from "../src/steps/setup.js";
import { verify } from "../src/steps/verify.js";
import { computeWitness } from "../src/steps/witness.js";
import { compareOutputs, type Expected } from "./compare.js";
import type { ProofOutcome, Stage, TestResult } from "./result.js";

/** Largest Groth16 setup the harness makes: constraints + public signals + 1 <= 2^18. */
export const MAX_POWER = 18;
/**
 * Largest circuit the harness compiles: circom in WebAssembly took about a minute for LeNet-5's 132k
 * constraints, so a model estimated far beyond a provable size fails fast instead of timing out.
 */
export const MAX_COMPILE = 2 ** 20;

/** A stage's failure, carrying what the result should say. */
export class StageError extends Error {
  /** Measurements made before the failure (constraints, errors). */
  extra: Partial<TestResult> = {};
  constructor(
    readonly stage: Stage,
    readonly code: string,
    message: string,
    readonly node?: string,
  ) {
    super(message);
  }
}

/** Run `f`; turn anything it throws into a StageError of `stage`. */
export async function stage<T>(s: Stage, f: () => Promise<T> | T): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof StageError) throw e;
    if (e instanceof ZkmlError) {
      const node = e.node ? `#${e.node.index} "${e.node.name}" (${e.node.opType})` : undefined;
      throw new StageError(s, e.code, e.message, node);
    }
    throw new StageError(s, "crash", e instanceof Error ? (e.stack ?? e.message) : String(e));
  }
}

/** Status of a failed test: zkmlc refusing the model at compile time is "unsupported", the rest "fail". */
export function failure(e: unknown): Partial<TestResult> {
  const se = e instanceof StageError ? e : new StageError("load", "crash", String(e));
  const refused = se.stage === "compile" && !["bug", "crash", "circom-failed", "too-large"].includes(se.code);
  return {
    status: refused ? "unsupported" : "fail",
    stage: se.stage,
    code: se.code,
    reason: se.message.split("\n").slice(0, 3).join(" | ").slice(0, 600),
    ...(se.node ? { node: se.node } : {}),
    ...se.extra,
  };
}

export interface Checked {
  build: Build;
  witness: Awaited<ReturnType<typeof computeWitness>>;
  result: Partial<TestResult>;
}

/**
 * compile → witness → r1cs → compare. `sample` gives the circuit inputs in graph-input order of the
 * compiled build. Throws StageError; returns the fields of a passing result.
 */
export async function compileAndCheck(
  modelPath: string,
  buildDir: string,
  opts: CompileOptions,
  sample: (build: Build) => Promise<Sample> | Sample,
  expected: Expected[],
): Promise<Checked> {
  const compiled = await stage("compile", () =>
    compile(modelPath, buildDir, { maxConstraints: MAX_COMPILE, ...opts }),
  );
  const { plan, settings } = compiled;
  const build = await stage("witness", () => loadBuild(buildDir));
  const w = await stage("witness", async () =>
    computeWitness(build, await loadRunner(build), await sample(build)),
  );
  const check = await stage("r1cs", () => checkWitness(artifactPath(buildDir, "r1cs"), w.witness));
  if (!check.ok) throw new StageError("r1cs", "r1cs", `the witness violates the r1cs: ${check.reason}`);
  const cmp = compareOutputs(
    plan.outputs.map((o, k) => ({
      shape: o.shape,
      values: w.outputs[k] ?? [],
      err: plan.tensors[o.tensor]?.err ?? [],
    })),
    expected,
  );
  const result: Partial<TestResult> = {
    constraints: settings.circuit.constraints,
    maxError: cmp.maxError,
    tolerance: cmp.tolerance,
    errorBound: cmp.errorBound,
  };
  if (!cmp.ok) {
    const err = new StageError(
      "compare",
      cmp.detail?.includes("shape") ? "shape" : "mismatch",
      cmp.detail ?? "",
    );
    err.extra = result;
    throw err;
  }
  return { build, witness: w, result };
}

/** Whether a build fits the largest setup the harness makes. */
export function fitsSetup(build: Build): boolean {
  const c = build.settings.circuit;
  return c.constraints + c.publicSignals + 1 <= 2 ** MAX_POWER;
}

/**
 * Groth16 development setup, proof and verification of the witness already computed (without
 * onnxruntime, which does not run every test's opset), then the verified public outputs must equal the
 * witness's outputs.
 */
export async function proveAndVerify(checked: Checked): Promise<ProofOutcome> {
  const t0 = performance.now();
  const dir = checked.build.dir;
  const seconds = () => (performance.now() - t0) / 1000;
  try {
    await setup(dir, { system: "groth16" });
    const wtns = await checked.witness.wtns();
    const { proof, publicSignals } = await snarkProve("groth16", keyPath(dir, "groth16", "zkey"), wtns);
    // A proof record without output.json: verify decodes the outputs from the public signals.
    await writeRecord(proofDir(dir, "groth16"), async (tmp) => {
      await writeJsonAtomic(join(tmp, PROOF_FILES.proof), proof);
      await writeJsonAtomic(join(tmp, PROOF_FILES.public), publicSignals);
    });
    const v = await verify(dir, { system: "groth16" });
    if (!v.valid) return { verified: false, seconds: seconds(), reason: v.reason ?? "invalid proof" };
    const same = v.outputs.every((o, k) => o.values.every((x, i) => x === checked.witness.outputs[k]?.[i]));
    if (!same)
      return {
        verified: false,
        seconds: seconds(),
        reason: "verified public outputs differ from the witness",
      };
    return { verified: true, seconds: seconds() };
  } catch (e) {
    const msg = e instanceof ZkmlError ? e.format() : e instanceof Error ? e.message : String(e);
    return { verified: false, seconds: seconds(), reason: msg.slice(0, 600) };
  }
}

export const buildDirOf = (work: string) => join(work, "build");

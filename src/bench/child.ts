/**
 * One measurement process: runs compile, setup, witness, prove and verify once for the parent
 * (src/bench/runs.ts) and reports each step's time and peak memory over IPC. A fresh process per run
 * gives every run the same cold state and lets each step's peak memory be read from the kernel.
 *
 * Not timed: process start, module loading and building the BN254 curve's worker threads (reported
 * as `startup`), and, for PLONK/FFLONK, making the universal powers of tau (circuit independent, made
 * once and cached). Timed: each library step as `zkmlc` runs it. The setup step never reuses cached
 * keys: the key cache points at an empty directory for this process. Last, unless the job's batch is
 * 0, a batch: copies of the input proved by one `proveInputs` call (as `zkmlc prove --input` with an
 * array), timed whole, loading included.
 */
import { mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import * as snarkjs from "snarkjs";
import { releaseCurves } from "../6-prove/curve.js";
import { cacheDir, ensureLocalPtau } from "../6-prove/ptau.js";
import { plonkGateCount, universalPower } from "../6-prove/universal_setup.js";
import { artifactPath, keyPath, readJsonFile, proofPath as recordPath } from "../artifacts.js";
import { bug, fail, ZkmlError } from "../errors.js";
import { compile } from "../steps/compile.js";
import { verifyEvm } from "../steps/evm.js";
import { readJsonInput } from "../steps/inputs.js";
import { prove, proveInputs, witness } from "../steps/prove.js";
import { setup } from "../steps/setup.js";
import { verify, verifyBatch } from "../steps/verify.js";
import { PeakMeter } from "./memory.js";
import type {
  BatchMeasurement,
  ChildMessage,
  ParentMessage,
  RunJob,
  RunOutcome,
  StepMeasurement,
} from "./protocol.js";
import { binaryProofBytes } from "./sizes.js";
import type { Step } from "./types.js";

const t0 = performance.now();
const send = (m: ChildMessage) =>
  new Promise<void>((resolve) => (process.send ? process.send(m, () => resolve()) : resolve()));

/** An empty key cache for this process; PLONK/FFLONK get the shared universal ptau linked in. */
async function emptyKeyCache(job: RunJob): Promise<string> {
  const own = mkdtempSync(join(tmpdir(), "zkmlc-bench-cache-"));
  if (job.system !== "groth16") {
    const power = universalPower(job.system, await plonkGateCount(artifactPath(job.buildDir, "r1cs")));
    const ptau = await ensureLocalPtau(power);
    symlinkSync(ptau.path, join(own, basename(ptau.path)));
  }
  return own;
}

/**
 * `proofs` copies of the job's input proved by one call, timed whole, then verified: a batch that does
 * not verify fails the run. The inputs file lives in a temporary folder, removed afterwards.
 */
async function batchRun(job: RunJob, proofs: number, meter: PeakMeter): Promise<BatchMeasurement> {
  await send({ type: "batch-start", proofs });
  const dir = mkdtempSync(join(tmpdir(), "zkmlc-bench-batch-"));
  try {
    const inputs = join(dir, "inputs.json");
    const one = await readJsonInput(job.input, "input");
    writeFileSync(inputs, JSON.stringify(Array.from({ length: proofs }, () => one)));
    meter.start();
    const a = performance.now();
    const r = await proveInputs(job.buildDir, inputs, { system: job.system });
    const seconds = (performance.now() - a) / 1000;
    const peakRss = meter.stop();
    if (!("count" in r) || r.count !== proofs) bug(`the benchmark's batch did not make ${proofs} proofs`);
    const v = await verifyBatch(job.buildDir, { system: job.system });
    if (v.count !== proofs) bug(`the benchmark's batch record holds ${v.count} proofs, not ${proofs}`);
    if (!v.valid)
      fail("invalid-proof", `${v.invalid} of the benchmark's ${proofs} batch proofs do not verify`);
    return { proofs, seconds, prove: r.timings.prove, peakRss };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runJob(job: RunJob): Promise<RunOutcome> {
  // Build the curve (and its worker threads) before any timing: a one-time cost of the process.
  await snarkjs.curves.getCurveFromName("bn128");
  const startup = (performance.now() - t0) / 1000;
  (globalThis as { gc?: () => void }).gc?.();
  const startupRss = process.memoryUsage.rss();
  const meter = new PeakMeter();
  const steps: StepMeasurement[] = [];
  const step = async <T>(name: Step, f: () => Promise<T>, time?: (r: T, s: number) => number) => {
    await send({ type: "step-start", step: name });
    meter.start();
    const a = performance.now();
    const r = await f();
    const seconds = (performance.now() - a) / 1000;
    const m = { step: name, seconds: time ? time(r, seconds) : seconds, peakRss: meter.stop() };
    steps.push(m);
    await send({ type: "step-end", ...m });
    return r;
  };

  const c = await step("compile", () =>
    compile(job.model, job.buildDir, { ...job.compile, system: job.system }),
  );
  const shared = cacheDir();
  const own = await emptyKeyCache(job);
  process.env.ZKMLC_CACHE = own;
  try {
    const s = await step("setup", () => setup(job.buildDir, { system: job.system }));
    if (s.cached) fail("bug", "the benchmark's setup reused cached keys");
  } finally {
    process.env.ZKMLC_CACHE = shared;
    rmSync(own, { recursive: true, force: true });
  }
  await step("witness", () => witness(job.buildDir, job.input));
  // prove() recomputes the witness first; its own timing separates the proving part.
  await step(
    "prove",
    () => prove(job.buildDir, job.input, { system: job.system }),
    (r) => r.timings.prove,
  );
  const v = await step("verify", () => verify(job.buildDir, { system: job.system }));
  if (!v.valid) fail("invalid-proof", `the benchmark's proof does not verify: ${v.reason}`);

  const proofPath = recordPath(job.buildDir, job.system, "proof");
  const outcome: RunOutcome = {
    startup,
    startupRss,
    steps,
    constraints: c.settings.circuit.constraints,
    publicSignals: c.settings.circuit.publicSignals,
    scales: c.settings.scales,
    inputVisibility: c.settings.visibility.input,
    proofBytes: { json: statSync(proofPath).size, binary: binaryProofBytes(await readJsonFile(proofPath)) },
    artifactBytes: {
      r1cs: statSync(artifactPath(job.buildDir, "r1cs")).size,
      zkey: statSync(keyPath(job.buildDir, job.system, "zkey")).size,
    },
  };
  if (job.evm) {
    try {
      const e = await verifyEvm(job.buildDir, { system: job.system });
      if (e.gasUsed === null) outcome.evmError = e.reason ?? "the proof did not verify on the EVM";
      else outcome.evm = { valid: e.valid, verifyGas: e.gasUsed, deployGas: e.deployGas };
    } catch (e) {
      outcome.evmError = (e as Error).message;
    }
  }
  // After the single proof and the EVM: the batch writes its own record (proofs/), not proof/.
  if (job.batch && job.batch > 0) outcome.batch = await batchRun(job, job.batch, meter);
  return outcome;
}

process.once("message", async (m: ParentMessage) => {
  try {
    await send({ type: "done", outcome: await runJob(m.job) });
  } catch (e) {
    const z = e instanceof ZkmlError ? e : undefined;
    await send({
      type: "error",
      error: {
        code: z?.code ?? "bug",
        message: (e as Error)?.message ?? String(e),
        hint: z?.hint,
        stack: z ? undefined : (e as Error)?.stack,
      },
    });
  } finally {
    await releaseCurves();
    process.disconnect?.();
  }
});

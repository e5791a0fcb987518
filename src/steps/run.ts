import { basename, dirname, join, resolve } from "node:path";
import { withBuildLock } from "../lock.js";
import { prepareBuildDir } from "./build-dir.js";
import { type CompileResult, compile, inputSpecs, prepareModel } from "./compile.js";
import { parseOneSample, quantizeSample, readJsonInput } from "./inputs.js";
import { type ProveResult, prove } from "./prove.js";
import type { CompileOptions } from "./settings.js";
import { type SetupResult, setup } from "./setup.js";
import { exportVerifier, type VerifyResult, verify } from "./verify.js";

export interface RunOptions extends CompileOptions {
  input: string;
  outDir?: string;
  ptau?: string;
  log?: (s: string) => void;
}

export interface RunResult {
  buildDir: string;
  compile: CompileResult;
  setup: SetupResult;
  prove: ProveResult;
  verify: VerifyResult;
  verifier: string;
  /** Seconds per step. */
  timings: Record<"compile" | "setup" | "witness" | "prove" | "verify" | "exportVerifier", number>;
}

/** build/<model name>; generic file names (model.onnx, network.onnx) take their folder's name. */
export function defaultBuildDir(modelPath: string): string {
  const name = basename(modelPath).replace(/\.onnx$/i, "");
  const generic = name === "" || /^(model|network)$/i.test(name);
  return join("build", generic ? basename(dirname(resolve(modelPath))) : name);
}

/** compile → setup → prove → verify → export-verifier, with per-step timings. */
export async function run(modelPath: string, opts: RunOptions): Promise<RunResult> {
  // Without explicit calibration, `run` calibrates on the very input it proves.
  const copts: CompileOptions =
    opts.calibration || opts.inputRange ? opts : { ...opts, calibration: opts.input };
  const dir = opts.outDir ?? defaultBuildDir(modelPath);
  // Before any long work: a valid model, and an input the calibrated range holds.
  const prepared = await prepareModel(modelPath, copts);
  const { inputs, constantInputs } = prepared.graph;
  quantizeSample(
    parseOneSample(await readJsonInput(opts.input, "input"), inputs, opts.input, constantInputs),
    inputSpecs(prepared),
  );
  await prepareBuildDir(dir);
  // One lock for the whole run: another step on this directory cannot slip in between its steps.
  return withBuildLock(dir, "run", () => runLocked(modelPath, dir, copts, opts), { log: opts.log });
}

async function runLocked(
  modelPath: string,
  dir: string,
  copts: CompileOptions,
  opts: RunOptions,
): Promise<RunResult> {
  const time = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
    const t0 = performance.now();
    const r = await f();
    return [r, (performance.now() - t0) / 1000];
  };
  const [c, tc] = await time(() => compile(modelPath, dir, copts, opts.log));
  const system = opts.system;
  const [s, ts] = await time(() => setup(dir, { system, ptau: opts.ptau, log: opts.log }));
  const [p] = await time(() => prove(dir, opts.input, { system, log: opts.log }));
  const [v, tv] = await time(() => verify(dir, { system }));
  const [e, te] = await time(() => exportVerifier(dir, { system }));
  return {
    buildDir: dir,
    compile: c,
    setup: s,
    prove: p,
    verify: v,
    verifier: e.path,
    timings: {
      compile: tc,
      setup: ts,
      witness: p.timings.witness,
      prove: p.timings.prove,
      verify: tv,
      exportVerifier: te,
    },
  };
}

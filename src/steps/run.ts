import { basename, dirname, join, resolve } from "node:path";
import { withBuildLock } from "../lock.js";
import { prepareBuildDir } from "./build-dir.js";
import { compile, inputSpecs, type Prepared, prepareModel } from "./compile.js";
import { parseOneSample, quantizeSample, readJsonInput } from "./inputs.js";
import { type ProveResult, prove } from "./prove.js";
import { reusableCompile, reusableKeys } from "./reuse.js";
import type { CompileOptions, Settings } from "./settings.js";
import { type SetupResult, setup } from "./setup.js";
import { exportVerifier, type VerifyResult, verify } from "./verify.js";

export interface RunOptions extends CompileOptions {
  input: string;
  outDir?: string;
  ptau?: string;
  /** Compile and set up again even when the build directory holds a matching build and keys. */
  force?: boolean;
  /** false: skip the onnxruntime comparison (--no-reference). */
  reference?: boolean;
  log?: (s: string) => void;
  /** Called as each step starts (the CLI's progress line). */
  onStep?: (name: string) => void;
}

export interface RunResult {
  buildDir: string;
  compile: { settings: Settings };
  setup: SetupResult;
  prove: ProveResult;
  verify: VerifyResult;
  verifier: string;
  /** The steps whose results were already in the build directory (matched by content hash), and kept. */
  reused: { compile: boolean; setup: boolean };
  /** Seconds per step. */
  timings: Record<"compile" | "setup" | "witness" | "prove" | "verify" | "exportVerifier", number>;
}

/** build/<model name>; generic file names (model.onnx, network.onnx) take their folder's name. */
export function defaultBuildDir(modelPath: string): string {
  const name = basename(modelPath).replace(/\.onnx$/i, "");
  const generic = name === "" || /^(model|network)$/i.test(name);
  return join("build", generic ? basename(dirname(resolve(modelPath))) : name);
}

/**
 * compile → setup → prove → verify → export-verifier, with per-step timings. A build directory that
 * already holds this model's compile with the same options, and keys for it, is reused (unless `force`).
 */
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
  return withBuildLock(dir, "run", () => runLocked(modelPath, dir, prepared, copts, opts), {
    log: opts.log,
  });
}

async function runLocked(
  modelPath: string,
  dir: string,
  prepared: Prepared,
  copts: CompileOptions,
  opts: RunOptions,
): Promise<RunResult> {
  const time = async <T>(step: string, f: () => Promise<T>): Promise<[T, number]> => {
    opts.onStep?.(step);
    const t0 = performance.now();
    const r = await f();
    return [r, (performance.now() - t0) / 1000];
  };
  const { log } = opts;
  const [c, tc] = await time("compile", async () => {
    const kept = opts.force ? { why: "--force" } : await reusableCompile(dir, modelPath, prepared, copts);
    if ("reused" in kept) {
      log?.(`reusing the compile in ${dir}: same model and options`);
      return { settings: kept.reused, reused: true };
    }
    log?.(`compiling: ${kept.why}`);
    return { settings: (await compile(modelPath, dir, copts, log)).settings, reused: false };
  });
  const system = opts.system ?? c.settings.system;
  const [s, ts] = await time("setup", async () => {
    const kept = opts.force || !c.reused ? undefined : await reusableKeys(dir, system, opts.ptau);
    if (kept && "reused" in kept) {
      log?.(`reusing the ${system} keys in ${dir}`);
      return { ...kept.reused, reused: true };
    }
    if (kept) log?.(`setting up: ${kept.why}`);
    return { ...(await setup(dir, { system, ptau: opts.ptau, log })), reused: false };
  });
  const [p] = await time("prove", () => prove(dir, opts.input, { system, log, reference: opts.reference }));
  const [v, tv] = await time("verify", () => verify(dir, { system }));
  const [e, te] = await time("export-verifier", () => exportVerifier(dir, { system }));
  const { reused: compileReused, ...compiled } = c;
  const { reused: setupReused, ...setUp } = s;
  return {
    buildDir: dir,
    compile: compiled,
    setup: setUp,
    prove: p,
    verify: v,
    verifier: e.path,
    reused: { compile: compileReused, setup: setupReused },
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

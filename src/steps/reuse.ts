import { existsSync } from "node:fs";
import { basename } from "node:path";
import type { ProofSystem } from "../6-prove/systems.js";
import { artifactPath } from "../artifacts.js";
import { ZkmlError } from "../errors.js";
import { VERSION } from "../version.js";
import { openBuild } from "./build.js";
import { checkBackend, type Prepared } from "./compile.js";
import { sha256, sha256File } from "./hash.js";
import { readKeys } from "./keys.js";
import { type CompileOptions, DEFAULTS, type Settings } from "./settings.js";
import type { SetupResult } from "./setup.js";

/** A step `run` can skip: what the build already holds, or why it must be made again. */
export type Reuse<T> = { reused: T } | { why: string };

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Whether the compile in `dir` is the one `run` would make: the same model (by sha256), file name and
 * zkmlc version, the same recorded options, and the same calibrated ranges and shapes of every input.
 * Everything compile derives (the plan, the circuit, settings.json) is a function of exactly these,
 * so a match means recompiling would write the same files. The r1cs must still match its hash.
 */
export async function reusableCompile(
  dir: string,
  modelPath: string,
  prepared: Prepared,
  opts: CompileOptions,
): Promise<Reuse<Settings>> {
  let settings: Settings;
  try {
    settings = (await openBuild(dir)).settings;
  } catch (e) {
    if (e instanceof ZkmlError && e.code !== "bug") return { why: e.message };
    throw e;
  }
  const system = opts.system ?? "groth16";
  const wanted: [string, unknown, unknown][] = [
    ["zkmlc version", settings.zkmlc, VERSION],
    ["model", settings.model.sha256, sha256(prepared.bytes)],
    ["model file name", settings.model.file, basename(modelPath)],
    ["scales", settings.scales, prepared.scales],
    ["visibility", settings.visibility, prepared.visibility],
    ["--input-check", settings.inputCheck, opts.inputCheck ?? DEFAULTS.inputCheck],
    ["--softmax", settings.softmax, opts.softmax ?? "circuit"],
    ["--system", settings.system, system],
    ["--backend", settings.backend, checkBackend(opts.backend, system)],
    ["calibration", settings.calibration, { source: prepared.cal.source, samples: prepared.cal.samples }],
    [
      "inputs (shapes and calibrated ranges)",
      settings.inputs.map((i) => [i.name, i.shape, i.range]),
      prepared.graph.inputs.map((i) => [i.name, i.shape, prepared.cal.ranges[i.name]]),
    ],
  ];
  const differs = wanted.find(([, was, now]) => !same(was, now));
  if (differs) return { why: `its ${differs[0]} differs` };
  if (opts.maxConstraints !== undefined && settings.circuit.constraints > opts.maxConstraints)
    return { why: `its ${settings.circuit.constraints} constraints exceed --max-constraints` };
  if ((await sha256File(artifactPath(dir, "r1cs"))) !== settings.circuit.sha256.r1cs)
    return { why: "its circuit.r1cs does not match settings.json" };
  return { reused: settings };
}

/**
 * Whether the keys in `dir` serve `run`: set up for this settings.json and r1cs, the key files matching
 * their hashes, and (with --ptau) made from that ceremony file.
 */
export async function reusableKeys(
  dir: string,
  system: ProofSystem,
  ptau?: string,
): Promise<Reuse<SetupResult>> {
  try {
    const keys = await readKeys(await openBuild(dir), system, ["zkey", "vkey"]);
    if (ptau && (!existsSync(ptau) || keys.ptau.sha256 !== (await sha256File(ptau))))
      return { why: `they were not made from ${ptau}` };
    return {
      reused: { system, keys, power: keys.ptau.power, cached: false, developmentOnly: keys.ptau.local },
    };
  } catch (e) {
    if (e instanceof ZkmlError && e.code !== "bug") return { why: e.message };
    throw e;
  }
}

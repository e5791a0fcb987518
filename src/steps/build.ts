import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { Graph } from "../1-decode/graph.js";
import type { Plan } from "../3-lower/ir.js";
import { readSymbols } from "../5-compile/r1cs.js";
import { loadWitnessCalculator, type WitnessCalculator } from "../6-prove/witness.js";
import {
  artifactPath,
  compileCommand,
  parseJson,
  requireArtifact,
  requireBuildDir,
  toJson,
} from "../artifacts.js";
import { fail, ZkmlError } from "../errors.js";
import type { Planned } from "./compile.js";
import { sha256, sha256File } from "./hash.js";
import { type GraphIO, type Lowered, readLowered, writeLowered } from "./lowered.js";
import { publicLayout } from "./public-signals.js";
import { parseRecord, type Settings, SettingsSchema } from "./settings.js";

/** A build directory's settings.json, read and checked for shape: all that verifying a proof needs. */
export interface OpenBuild {
  dir: string;
  settings: Settings;
  /** sha256 of settings.json as written: setup records it, so the keys bind the settings too. */
  settingsHash: string;
}

/** A compiled build directory, checked for consistency, with the lowered program its witnesses come from. */
export interface Build extends OpenBuild {
  graph: GraphIO;
  plan: Plan;
  modelPath: string;
}

function mismatch(dir: string, what: string): never {
  fail("mismatched-artifacts", `${what} in ${dir} does not belong to this build's settings.json`, {
    hint: `rebuild with \`${compileCommand(dir)}\``,
  });
}

function settingsMismatch(dir: string, why: string): never {
  fail("mismatched-artifacts", `${artifactPath(dir, "settings")} does not describe this build (${why})`, {
    hint: `it was edited or damaged: rebuild with \`${compileCommand(dir)}\``,
  });
}

/** Read a build directory's settings.json; nothing else is read or hashed. */
export async function openBuild(dir: string): Promise<OpenBuild> {
  requireBuildDir(dir);
  const path = artifactPath(dir, "settings");
  if (!existsSync(path)) {
    const partial = existsSync(artifactPath(dir, "circuit")) || existsSync(artifactPath(dir, "model"));
    fail(
      "missing-artifact",
      partial
        ? `${dir} holds an unfinished build (no settings.json: was compile interrupted?)`
        : `${dir} is not a zkmlc build directory (it has no settings.json)`,
      { hint: `run \`${compileCommand(dir)}\`` },
    );
  }
  const hint = `re-run \`${compileCommand(dir)}\``;
  const text = await readFile(path, "utf8");
  const settings = parseRecord(SettingsSchema, parseJson(text, path, hint), path, hint);
  if (publicLayout(settings).reduce((n, seg) => n + seg.size, 0) !== settings.circuit.publicSignals)
    fail(
      "corrupt-artifact",
      `${path}: its outputs, commitments and public inputs do not add up to its public signals`,
      { hint },
    );
  return { dir, settings, settingsHash: sha256(text) };
}

/**
 * Load a build directory for computing witnesses: compile's lowered program from lowered.bin when it
 * matches settings.json by hash (steps/lowered.ts), so proving does not quantize again. Otherwise, or
 * with `rederive` (setup, before its keys bind settings.json), everything is re-derived from the model.
 */
export async function loadBuild(dir: string, opts: { rederive?: boolean } = {}): Promise<Build> {
  const open = await openBuild(dir);
  const modelPath = requireArtifact(dir, "model");
  const cached = opts.rederive ? undefined : await readLowered(dir, open.settingsHash);
  if (cached) return { ...open, ...cached, modelPath };
  const lowered = await rederive(open, modelPath);
  // A cache: a build folder that cannot be written to still proves, at the cost of quantizing each time.
  await writeLowered(dir, open.settingsHash, lowered).catch(() => undefined);
  return { ...open, ...lowered, modelPath };
}

/**
 * The plan recomputed from model.onnx and the options in settings.json, which must be exactly what
 * compile derives from them (byte for byte): a settings file edited or damaged into another valid one
 * would otherwise give a witness of another circuit. The model and the r1cs must match their hashes.
 * compile's modules are imported here, on this path only: proving from lowered.bin never loads them.
 */
async function rederive({ dir, settings, settingsHash }: OpenBuild, modelPath: string): Promise<Lowered> {
  const [
    { decodeModel },
    { quantize },
    { emitCircuit },
    { circuitHeader, graphOf, quantOptions, settingsOf },
  ] = await Promise.all([
    import("../1-decode/decode.js"),
    import("../3-lower/quantize.js"),
    import("../4-emit/emit.js"),
    import("./compile.js"),
  ]);
  const bytes = await readFile(modelPath);
  if (sha256(bytes) !== settings.model.sha256) mismatch(dir, "model.onnx");
  if ((await sha256File(requireArtifact(dir, "r1cs"))) !== settings.circuit.sha256.r1cs)
    mismatch(dir, "circuit.r1cs");
  let graph: Graph;
  let plan: Plan;
  try {
    // The input shapes compile resolved (from the model, --input-shape or a batch dim taken as 1).
    const inputShapes = Object.fromEntries(settings.inputs.map((i) => [i.name, i.shape]));
    graph = graphOf(decodeModel(bytes, { inputShapes }));
    plan = await quantize(graph, quantOptions(settings));
  } catch (e) {
    if (!(e instanceof ZkmlError) || e.code === "bug") throw e;
    return settingsMismatch(dir, e.message);
  }
  const planned: Planned = {
    bytes,
    graph,
    plan,
    scales: settings.scales,
    visibility: settings.visibility,
    cal: {
      ranges: Object.fromEntries(settings.inputs.map((i) => [i.name, i.range])),
      source: settings.calibration.source,
      samples: settings.calibration.samples,
    },
  };
  const { file, sha256: modelHash } = settings.model;
  const again = settingsOf(file, settings, planned, emitCircuit(plan, circuitHeader(file, modelHash)), {
    system: settings.system,
    backend: settings.backend,
    optimize: settings.circuit.optimization === "O2" ? 2 : 1,
    constraints: settings.circuit.constraints,
    sha256: settings.circuit.sha256,
  });
  if (sha256(toJson(again)) !== settingsHash)
    settingsMismatch(dir, "it is not what compile derives from model.onnx and the options it records");
  return { graph, plan };
}

/** model.onnx for the float reference, checked against settings.json (lowered.bin alone does not read it). */
export async function referenceModel(build: Build): Promise<string> {
  if ((await sha256File(build.modelPath)) !== build.settings.model.sha256) mismatch(build.dir, "model.onnx");
  return build.modelPath;
}

/**
 * What computes a build's witnesses, loaded once and reused across samples: circom's wasm witness
 * calculator and symbol table (circom backend), or nothing beyond the plan (direct backend).
 */
export interface CircuitRunner {
  wc?: WitnessCalculator;
  symbols?: Map<string, number>;
}

export async function loadRunner(build: Build): Promise<CircuitRunner> {
  if (build.settings.backend === "direct") return {};
  const wasm = requireArtifact(build.dir, "wasm");
  const sym = requireArtifact(build.dir, "sym");
  const hashes = build.settings.circuit.sha256;
  if ((await sha256File(wasm)) !== hashes.wasm) mismatch(build.dir, "circuit_js/circuit.wasm");
  if ((await sha256File(sym)) !== hashes.sym) mismatch(build.dir, "circuit.sym");
  return { wc: await loadWitnessCalculator(wasm), symbols: await readSymbols(sym) };
}

import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { decodeModel } from "../1-decode/decode.js";
import type { Graph } from "../1-decode/graph.js";
import { rewrite } from "../2-rewrite/rewrite.js";
import type { Plan } from "../3-quantize/ir.js";
import { quantize } from "../3-quantize/quantize.js";
import { readSymbols } from "../5-compile/r1cs.js";
import { loadWitnessCalculator, type WitnessCalculator } from "../6-prove/witness.js";
import { artifactPath, readJsonArtifact, requireArtifact } from "../artifacts.js";
import { fail } from "../errors.js";
import { quantOptions } from "./compile.js";
import { sha256, sha256File } from "./hash.js";
import type { Settings } from "./settings.js";

/** A compiled build directory, checked for consistency, with its plan recomputed from the model. */
export interface Build {
  dir: string;
  settings: Settings;
  graph: Graph;
  plan: Plan;
  modelPath: string;
}

function mismatch(dir: string, what: string): never {
  fail("mismatched-artifacts", `${what} in ${dir} does not belong to this build's settings.json`, {
    hint: `rebuild with \`zkmlc compile <model.onnx> -o ${dir}\``,
  });
}

/** Load a build directory; refuse a model or r1cs that does not match settings.json. */
export async function loadBuild(dir: string): Promise<Build> {
  if (!existsSync(dir))
    fail("missing-artifact", `build directory ${dir} does not exist`, { hint: "run `zkmlc compile` first" });
  const settings = await readJsonArtifact<Settings>(dir, "settings");
  if (!settings?.model?.sha256 || !Array.isArray(settings.inputs)) {
    fail("corrupt-artifact", `${artifactPath(dir, "settings")} is not a zkmlc settings file`, {
      hint: "re-run zkmlc compile",
    });
  }
  const modelPath = requireArtifact(dir, "model");
  const bytes = await readFile(modelPath);
  if (sha256(bytes) !== settings.model.sha256) mismatch(dir, "model.onnx");
  if ((await sha256File(requireArtifact(dir, "r1cs"))) !== settings.circuit.sha256.r1cs)
    mismatch(dir, "circuit.r1cs");
  const graph = rewrite(decodeModel(bytes));
  return { dir, settings, graph, plan: await quantize(graph, quantOptions(settings)), modelPath };
}

/** The witness calculator and symbol table of a build, loaded once and reused across samples. */
export interface CircuitRunner {
  wc: WitnessCalculator;
  symbols: Map<string, number>;
}

export async function loadRunner(build: Build): Promise<CircuitRunner> {
  const wasm = requireArtifact(build.dir, "wasm");
  return {
    wc: await loadWitnessCalculator(wasm),
    symbols: await readSymbols(requireArtifact(build.dir, "sym")),
  };
}

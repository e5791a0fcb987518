import { mkdir, readFile } from "node:fs/promises";
import { basename } from "node:path";
import { decodeModel } from "../1-decode/decode.js";
import type { Graph } from "../1-decode/graph.js";
import { rewrite } from "../2-rewrite/rewrite.js";
import { type Plan, primConstraints } from "../3-quantize/ir.js";
import { outputWiring } from "../3-quantize/output-rank.js";
import { postprocessBound, type SoftmaxMode } from "../3-quantize/postprocess.js";
import { inputIntRange, type QuantOptions, quantize, TOO_LARGE_HINT } from "../3-quantize/quantize.js";
import { bitsSigned } from "../3-quantize/rounding.js";
import { emitCircuit } from "../4-emit/emit.js";
import { compileCircom, copyCircuitLibrary } from "../5-compile/circom.js";
import { circomOptimization } from "../6-prove/systems.js";
import { ARTIFACTS, artifactPath, writeAtomic, writeJsonAtomic } from "../artifacts.js";
import { fail } from "../errors.js";
import { RECURRENT_OPS } from "../ops/recurrent.js";
import { VERSION } from "../version.js";
import { sha256, sha256File } from "./hash.js";
import { parseDataset, readJsonInput } from "./inputs.js";
import { type CompileOptions, DEFAULTS, type Settings, type SettingsNode } from "./settings.js";

export async function readModel(path: string): Promise<{ bytes: Uint8Array; graph: Graph }> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    fail("bad-input", `cannot read the model ${path}`, {
      cause: e,
      hint: "check the path to the .onnx file",
    });
  }
  return { bytes, graph: rewrite(decodeModel(bytes)) };
}

/** Calibrated real range per input; a bool input is always [0, 1]. */
async function calibrate(
  graph: Graph,
  opts: CompileOptions,
): Promise<{ ranges: Record<string, [number, number]>; source: string; samples: number }> {
  const cal = await calibrateReal(graph, opts);
  for (const i of graph.inputs) if (i.dtype === "bool") cal.ranges[i.name] = [0, 1];
  return cal;
}

/** Explicit --input-range, else min/max of calibration data, else the default. */
async function calibrateReal(
  graph: Graph,
  opts: CompileOptions,
): Promise<{ ranges: Record<string, [number, number]>; source: string; samples: number }> {
  const ranges: Record<string, [number, number]> = {};
  if (opts.inputRange) {
    const [lo, hi] = opts.inputRange;
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi))
      fail("bad-input", `--input-range ${lo},${hi} is not a finite range LO <= HI`);
    for (const i of graph.inputs) ranges[i.name] = [lo, hi];
    return { ranges, source: "--input-range", samples: 0 };
  }
  if (opts.calibration) {
    const samples = parseDataset(
      await readJsonInput(opts.calibration, "calibration"),
      graph.inputs,
      basename(opts.calibration),
    );
    graph.inputs.forEach((inp, i) => {
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (const s of samples) {
        for (const v of s[i] ?? []) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
      ranges[inp.name] = [lo, hi];
    });
    return { ranges, source: basename(opts.calibration), samples: samples.length };
  }
  for (const i of graph.inputs) ranges[i.name] = DEFAULTS.inputRange;
  return { ranges, source: `default range [${DEFAULTS.inputRange.join(", ")}]`, samples: 0 };
}

export function quantOptions(s: {
  scales: Settings["scales"];
  visibility: Settings["visibility"];
  inputs: { name: string; range: [number, number] }[];
  softmax?: SoftmaxMode;
  maxConstraints?: number;
}): QuantOptions {
  return {
    inputScale: s.scales.input,
    paramScale: s.scales.param,
    visibility: { input: s.visibility.input },
    ranges: Object.fromEntries(s.inputs.map((i) => [i.name, i.range])),
    softmax: s.softmax ?? "circuit",
    ...(s.maxConstraints === undefined ? {} : { maxConstraints: s.maxConstraints }),
  };
}

function checkScale(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 0 || v > 60)
    fail("bad-input", `${name} must be an integer in [0, 60], got ${v}`);
  return v;
}

function checkSoftmax(v: string | undefined): SoftmaxMode {
  if (v !== undefined && v !== "circuit" && v !== "outside")
    fail("bad-input", `--softmax must be "circuit" or "outside", got ${JSON.stringify(v)}`);
  return v ?? "circuit";
}

/** Per-node summary rows (scale, widest value, estimated constraints), shared by compile and inspect. */
export function nodeRows(plan: Plan): SettingsNode[] {
  return plan.nodes.map((pn) => {
    const outs = pn.prims.filter((p) => p.kind !== "input").map((p) => plan.tensors[p.out]);
    const last = outs[outs.length - 1];
    return {
      index: pn.node.index,
      name: pn.node.name,
      op: pn.node.opType,
      outputShapes: pn.outputShapes,
      scale: last ? last.scale : null,
      bits: last ? last.lo.reduce((m, lo, j) => Math.max(m, bitsSigned(lo, last.hi[j] as bigint)), 0) : null,
      constraints: pn.prims.reduce((s, p) => s + primConstraints(p, plan.tensors[p.out]?.lo.length ?? 0), 0),
    };
  });
}

/** Constraint count predicted from the plan (exact for the templates' O2 formulas). */
export function estimateConstraints(plan: Plan): number {
  const prims = [...plan.inputs, ...plan.nodes.flatMap((n) => n.prims)];
  return (
    prims.reduce((s, p) => s + primConstraints(p, plan.tensors[p.out]?.lo.length ?? 0), 0) +
    outputWiring(plan).constraints
  );
}

export interface CompileResult {
  settings: Settings;
  plan: Plan;
  buildDir: string;
}

export interface Planned {
  bytes: Uint8Array;
  graph: Graph;
  plan: Plan;
  scales: Settings["scales"];
  visibility: Settings["visibility"];
  cal: { ranges: Record<string, [number, number]>; source: string; samples: number };
}

/** Decode, calibrate and quantize a model: everything compile does before writing Circom. */
export async function planModel(modelPath: string, opts: CompileOptions = {}): Promise<Planned> {
  const { bytes, graph } = await readModel(modelPath);
  const cal = await calibrate(graph, opts);
  const scales = {
    input: checkScale("--input-scale", opts.inputScale ?? DEFAULTS.inputScale),
    param: checkScale("--param-scale", opts.paramScale ?? DEFAULTS.paramScale),
  };
  const visibility = { input: opts.inputVisibility ?? DEFAULTS.inputVisibility, output: "public" as const };
  const inputs = graph.inputs.map((i) => ({ name: i.name, range: cal.ranges[i.name] as [number, number] }));
  const softmax = checkSoftmax(opts.softmax);
  return {
    bytes,
    graph,
    plan: await quantize(
      graph,
      quantOptions({ scales, visibility, inputs, softmax, maxConstraints: opts.maxConstraints }),
    ),
    scales,
    visibility,
    cal,
  };
}

/** The `compile` step: model.onnx -> settings.json, circuit.circom, r1cs, wasm witness generator, sym. */
export async function compile(
  modelPath: string,
  buildDir: string,
  opts: CompileOptions = {},
  log?: (s: string) => void,
): Promise<CompileResult> {
  const { bytes, graph, plan, scales, visibility, cal } = await planModel(modelPath, opts);
  if (opts.maxConstraints !== undefined) {
    const estimate = estimateConstraints(plan);
    if (estimate > opts.maxConstraints)
      fail(
        "too-large",
        `the circuit would have about ${estimate.toLocaleString("en-US")} constraints, above the limit of ${opts.maxConstraints.toLocaleString("en-US")}`,
        { hint: TOO_LARGE_HINT },
      );
  }
  const modelHash = sha256(bytes);
  const emitted = emitCircuit(plan, {
    header: [
      `Generated by zkmlc ${VERSION} from ${basename(modelPath)} (sha256 ${modelHash.slice(0, 16)}). Do not edit: re-run zkmlc compile.`,
    ],
  });

  await mkdir(buildDir, { recursive: true });
  await writeAtomic(artifactPath(buildDir, "model"), bytes);
  await writeAtomic(artifactPath(buildDir, "circuit"), emitted.source);
  await copyCircuitLibrary(buildDir);
  const system = opts.system ?? "groth16";
  const optimize = circomOptimization(
    system,
    graph.nodes.some((n) => RECURRENT_OPS.has(n.opType)),
  );
  log?.(`compiling ${ARTIFACTS.circuit} with circom (--O${optimize})`);
  const res = await compileCircom({ workDir: buildDir, mainFile: ARTIFACTS.circuit, optimize });

  const tensors = (id: number) => plan.tensors[id] as NonNullable<(typeof plan.tensors)[number]>;
  const nodes = nodeRows(plan);
  const settings: Settings = {
    zkmlc: VERSION,
    model: { file: basename(modelPath), sha256: modelHash, opset: graph.opset, producer: graph.producer },
    scales,
    rounding: "half-away-from-zero",
    visibility,
    calibration: { source: cal.source, samples: cal.samples },
    softmax: checkSoftmax(opts.softmax),
    inputs: plan.inputs.map((p, i) => {
      const t = tensors(p.out);
      const range = cal.ranges[t.onnxName] as [number, number];
      const r = inputIntRange(range, t.scale);
      return {
        name: t.onnxName,
        signal: emitted.inputNames[i] as string,
        shape: t.shape,
        scale: t.scale,
        range,
        intRange: [r.lo.toString(), r.hi.toString()],
        bits: r.bits,
        visibility: p.visibility,
      };
    }),
    outputs: plan.outputs.map((o, i) => {
      const t = tensors(o.tensor);
      const bound = t.err.reduce((m, e) => Math.max(m, e), 0);
      const p = o.postprocess;
      return {
        name: o.onnxName,
        signal: emitted.outputNames[i] as string,
        shape: o.shape,
        scale: t.scale,
        errorBound: p ? postprocessBound(p, bound) : bound,
        ...(p ? { postprocess: { ...p, logitsErrorBound: bound } } : {}),
      };
    }),
    system,
    circuit: {
      optimization: optimize === 2 ? "O2" : "O1",
      constraints: res.nConstraints,
      estimatedConstraints: estimateConstraints(plan),
      publicSignals:
        plan.outputs.reduce((s, o) => s + tensors(o.tensor).lo.length, 0) +
        plan.inputs.reduce((s, p) => s + (p.visibility === "public" ? tensors(p.out).lo.length : 0), 0),
      sha256: { circuit: sha256(emitted.source), r1cs: await sha256File(res.r1csPath) },
    },
    nodes,
  };
  // settings.json last: its presence means the whole compile step finished.
  await writeJsonAtomic(artifactPath(buildDir, "settings"), settings);
  return { settings, plan, buildDir };
}

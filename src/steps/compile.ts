import { randomBytes } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { decodeModel } from "../1-decode/decode.js";
import type { Graph } from "../1-decode/graph.js";
import { typeCheck } from "../1-decode/type-check.js";
import { rewrite } from "../2-rewrite/rewrite.js";
import { type InputCheck, mainOutputs, type Plan } from "../3-lower/ir.js";
import { RECURRENT_OPS } from "../3-lower/ops/lib/recurrent.js";
import { outputWiring } from "../3-lower/output-rank.js";
import { postprocessBound, type SoftmaxMode } from "../3-lower/postprocess.js";
import { primConstraints } from "../3-lower/prims/registry.js";
import {
  inputIntRange,
  inputScaleOf,
  limitText,
  type QuantOptions,
  quantize,
  tooLargeHint,
} from "../3-lower/quantize.js";
import { bitsSigned } from "../3-lower/rounding.js";
import { checkSupported } from "../3-lower/supported.js";
import { COMMIT_OP } from "../3-lower/visibility.js";
import { type EmittedCircuit, emitCircuit } from "../4-emit/emit.js";
import { writeDirectR1cs } from "../4-emit/r1cs/direct.js";
import { compileCircom, copyCircuitLibrary } from "../5-compile/circom.js";
import { type SizeLimit, sizeLimit } from "../6-prove/capacity.js";
import { circuitPower } from "../6-prove/ptau.js";
import { circomOptimization, type ProofSystem } from "../6-prove/systems.js";
import { ARTIFACTS, toJson } from "../artifacts.js";
import { COMMIT_SCHEME, commitment } from "../commit/commitment.js";
import { bug, fail } from "../errors.js";
import { withBuildLock } from "../lock.js";
import { VERSION } from "../version.js";
import { commitCompile, prepareBuildDir } from "./build-dir.js";
import { sha256, sha256File, sha256FileSync } from "./hash.js";
import { parseDataset, readJsonInput } from "./inputs.js";
import { encodeLowered } from "./lowered.js";
import {
  BACKENDS,
  type Backend,
  type CompileOptions,
  DEFAULTS,
  type Settings,
  type SettingsCommitment,
  type SettingsInput,
  type SettingsNode,
} from "./settings.js";

type SettingsInputSpec = Pick<SettingsInput, "name" | "scale" | "range" | "intRange">;

/**
 * Read, decode, rewrite and validate a model, all before the long work of quantizing and compiling:
 * decoding checks the opset, the structure and the input shapes; rewrite lists every unsupported op at
 * once; then onnxruntime infers types and shapes over the whole graph (type-check.ts).
 */
export async function readModel(
  path: string,
  opts: Pick<CompileOptions, "inputShapes"> = {},
): Promise<{ bytes: Uint8Array; graph: Graph }> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    fail("bad-input", `cannot read the model ${path}`, {
      cause: e,
      hint: "check the path to the .onnx file",
    });
  }
  const decoded = decodeModel(bytes, { inputShapes: opts.inputShapes });
  const graph = graphOf(decoded);
  await typeCheck(bytes, decoded);
  return { bytes, graph };
}

/** A decoded model's graph ready to lower: every op supported (all offenders at once), then rewritten. */
export function graphOf(decoded: Graph): Graph {
  checkSupported(decoded);
  return rewrite(decoded);
}

/** How planModel reads a model: readModel, or (op tests of the lowerings' own checks) one without typeCheck. */
export type ModelReader = (
  path: string,
  opts: CompileOptions,
) => Promise<{ bytes: Uint8Array; graph: Graph }>;

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
      graph.constantInputs,
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
  inputCheck?: InputCheck;
  inputs: { name: string; range: [number, number] }[];
  softmax?: SoftmaxMode;
  maxConstraints?: number;
}): QuantOptions {
  return {
    inputScale: s.scales.input,
    paramScale: s.scales.param,
    visibility: s.visibility,
    inputCheck: s.inputCheck ?? DEFAULTS.inputCheck,
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

function checkInputCheck(v: string | undefined): InputCheck {
  if (v !== undefined && v !== "pow2" && v !== "exact")
    fail("bad-input", `--input-check must be "pow2" or "exact", got ${JSON.stringify(v)}`);
  return v ?? DEFAULTS.inputCheck;
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
    // A commitment is a field element, not a bounded value.
    const last = pn.node.opType === COMMIT_OP ? undefined : outs[outs.length - 1];
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

/** A decoded, validated and calibrated model with its options checked: everything before quantizing. */
export type Prepared = Omit<Planned, "plan">;

/** Decode, validate and calibrate a model (fast: no quantization). */
export async function prepareModel(
  modelPath: string,
  opts: CompileOptions = {},
  read: ModelReader = readModel,
): Promise<Prepared> {
  const { bytes, graph } = await read(modelPath, opts);
  const cal = await calibrate(graph, opts);
  const scales = {
    input: checkScale("--input-scale", opts.inputScale ?? DEFAULTS.inputScale),
    param: checkScale("--param-scale", opts.paramScale ?? DEFAULTS.paramScale),
  };
  const visibility = {
    input: opts.inputVisibility ?? DEFAULTS.inputVisibility,
    output: opts.outputVisibility ?? DEFAULTS.outputVisibility,
    param: opts.paramVisibility ?? DEFAULTS.paramVisibility,
  };
  return { bytes, graph, scales, visibility, cal };
}

/** The integer range `prove` accepts for each graph input of a prepared model (as settings.json records it). */
export function inputSpecs({ graph, cal, scales }: Prepared): SettingsInputSpec[] {
  return graph.inputs.map((i) => {
    const range = cal.ranges[i.name] as [number, number];
    const scale = inputScaleOf(i.dtype, scales.input);
    const r = inputIntRange(range, scale);
    return { name: i.name, scale, range, intRange: [r.lo.toString(), r.hi.toString()] };
  });
}

/** Decode, calibrate and quantize a model: everything compile does before writing Circom. */
export async function planModel(
  modelPath: string,
  opts: CompileOptions = {},
  read: ModelReader = readModel,
  limit?: SizeLimit,
): Promise<Planned> {
  const prepared = await prepareModel(modelPath, opts, read);
  const { bytes, graph, scales, visibility, cal } = prepared;
  const inputs = graph.inputs.map((i) => ({ name: i.name, range: cal.ranges[i.name] as [number, number] }));
  const softmax = checkSoftmax(opts.softmax);
  return {
    bytes,
    graph,
    plan: await quantize(graph, {
      ...quantOptions({
        scales,
        visibility,
        inputCheck: checkInputCheck(opts.inputCheck),
        inputs,
        softmax,
        maxConstraints: opts.maxConstraints ?? limit?.constraints,
      }),
      ...(opts.maxConstraints === undefined && limit ? { limit } : {}),
      modelPath,
    }),
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
  read: ModelReader = readModel,
): Promise<CompileResult> {
  const system = opts.system ?? "groth16";
  const backend = checkBackend(opts.backend, system);
  // Without --max-constraints, what this machine (or circom) can take: refused before the long work.
  const limit = opts.maxConstraints === undefined ? sizeLimit(system, backend) : undefined;
  const planned = await planModel(modelPath, opts, read, limit);
  const { bytes, graph, plan } = planned;
  checkSize(plan, opts.maxConstraints, limit, modelPath);
  const modelHash = sha256(bytes);
  const emitted = emitCircuit(plan, circuitHeader(basename(modelPath), modelHash));
  // The direct backend makes --O2's constraint system, without circom's elimination (no recurrence limit).
  const optimize =
    backend === "direct"
      ? 2
      : circomOptimization(
          system,
          graph.nodes.some((n) => RECURRENT_OPS.has(n.opType)),
        );
  await prepareBuildDir(buildDir);
  // Everything is made in a staging folder and moved in at the end (build-dir.ts): an interrupted or
  // failed compile leaves the previous build as it was.
  return withBuildLock(
    buildDir,
    "compile",
    async () => {
      const stage = join(buildDir, `compile.tmp-${randomBytes(6).toString("hex")}`);
      await mkdir(stage);
      try {
        await writeFile(join(stage, ARTIFACTS.model), bytes);
        await writeFile(join(stage, ARTIFACTS.circuit), emitted.source);
        // The library too: circuit.circom stays compilable by circom as it is (the readable form).
        await copyCircuitLibrary(stage);
        const made =
          backend === "direct" ? writeDirect(stage, plan, log) : await runCircom(stage, optimize, log);
        const settings = settingsOf(modelPath, opts, planned, emitted, {
          system,
          backend,
          optimize,
          ...made,
        });
        const lowered = encodeLowered(sha256(toJson(settings)), { graph, plan });
        await writeFile(join(stage, ARTIFACTS.lowered), lowered);
        await commitCompile(stage, buildDir, settings);
        return { settings, plan, buildDir };
      } finally {
        await rm(stage, { recursive: true, force: true });
      }
    },
    { log },
  );
}

/** What a backend made: the constraint count and the hashes of the files later steps read. */
type Made = { constraints: number; sha256: { r1cs: string; wasm?: string; sym: string } };

function writeDirect(stage: string, plan: Plan, log?: (s: string) => void): Made {
  log?.(`writing ${ARTIFACTS.r1cs} and ${ARTIFACTS.sym} (direct backend)`);
  const r1cs = join(stage, ARTIFACTS.r1cs);
  const sym = join(stage, ARTIFACTS.sym);
  const c = writeDirectR1cs(plan, r1cs, sym);
  return { constraints: c.nConstraints, sha256: { r1cs: sha256FileSync(r1cs), sym: sha256FileSync(sym) } };
}

async function runCircom(stage: string, optimize: 1 | 2, log?: (s: string) => void): Promise<Made> {
  log?.(`compiling ${ARTIFACTS.circuit} with circom (--O${optimize})`);
  const res = await compileCircom({ workDir: stage, mainFile: ARTIFACTS.circuit, optimize });
  return {
    constraints: res.nConstraints,
    sha256: {
      r1cs: await sha256File(res.r1csPath),
      wasm: await sha256File(res.wasmPath),
      sym: await sha256File(res.symPath),
    },
  };
}

/**
 * settings.json's commitments: what each packs (enough to recompute it: `zkmlc hash`), and for the
 * weights the commitment to the compiled model's, which a proof of this model must carry.
 */
function commitmentRecords(plan: Plan, emitted: EmittedCircuit): SettingsCommitment[] {
  return (plan.commitments ?? []).map((c, i) => {
    const prim = plan.nodes.flatMap((n) => n.prims).find((p) => p.kind === "commit" && p.out === c.tensor);
    if (prim?.kind !== "commit") return bug(`no commit prim for commitment ${i}`);
    const tensors = prim.tensors.map((t) => ({
      name: plan.tensors[t.id]?.onnxName ?? "",
      shape: [...t.shape],
      scale: t.scale,
      lo: t.lo.toString(),
      bits: t.bits,
    }));
    const value =
      c.role === "param"
        ? commitment(
            "param",
            plan.inputs.flatMap((p) => {
              const spec = prim.tensors.find((t) => t.id === p.out);
              return p.param && spec ? [{ ...spec, values: p.param.values }] : [];
            }),
          ).toString()
        : undefined;
    return {
      role: c.role,
      signal: emitted.commitNames[i] as string,
      scheme: COMMIT_SCHEME,
      tensors,
      ...(value === undefined ? {} : { value }),
    };
  });
}

/** The public signals: the public outputs' elements, the commitments, the public inputs' elements. */
function publicSignalCount(plan: Plan): number {
  const size = (t: number) => plan.tensors[t]?.lo.length ?? 0;
  return (
    mainOutputs(plan).reduce((s, o) => s + size(o.tensor), 0) +
    plan.inputs.reduce((s, p) => s + (p.visibility === "public" ? size(p.out) : 0), 0)
  );
}

/** The whole circuit against --max-constraints, or the default limit (a Groth16 domain with the public signals). */
function checkSize(
  plan: Plan,
  max: number | undefined,
  limit: SizeLimit | undefined,
  modelPath: string,
): void {
  const estimate = estimateConstraints(plan);
  const about = `the circuit would have about ${estimate.toLocaleString("en-US")} constraints`;
  if (max !== undefined && estimate > max)
    fail("too-large", `${about}, above the limit of ${limitText(max, {})}`, {
      hint: tooLargeHint(modelPath),
    });
  if (!limit) return;
  const over =
    limit.power === undefined
      ? estimate > limit.constraints
      : circuitPower(estimate, publicSignalCount(plan)) > limit.power;
  if (over)
    fail("too-large", `${about}, above the limit of ${limitText(limit.constraints, { limit })}`, {
      hint: limit.hint,
    });
}

/** The backend for a proof system: direct for Groth16 by default; PLONK/FFLONK need circom's --O1. */
export function checkBackend(b: string | undefined, system: ProofSystem): Backend {
  if (b !== undefined && !(BACKENDS as readonly string[]).includes(b))
    fail("bad-input", `--backend must be "direct" or "circom", got ${JSON.stringify(b)}`);
  const backend = (b as Backend | undefined) ?? (system === "groth16" ? "direct" : "circom");
  if (backend === "direct" && system !== "groth16")
    fail(
      "bad-input",
      `the direct backend writes Groth16's constraint system; ${system} needs --backend circom`,
      {
        hint: `PLONK and FFLONK pay for every addition: they use circom's --O1 (omit --backend, or pass --backend circom)`,
      },
    );
  return backend;
}

/** The generated circuit's header: deterministic, so a build can be re-derived and compared. */
export function circuitHeader(modelFile: string, modelHash: string): { header: string[] } {
  return {
    header: [
      `Generated by zkmlc ${VERSION} from ${modelFile} (sha256 ${modelHash.slice(0, 16)}). Do not edit: re-run zkmlc compile.`,
    ],
  };
}

/** settings.json: every choice the build made, and what it made. */
export function settingsOf(
  modelPath: string,
  opts: Pick<CompileOptions, "softmax" | "inputCheck">,
  { bytes, graph, plan, scales, visibility, cal }: Planned,
  emitted: EmittedCircuit,
  made: Made & { system: ProofSystem; backend: Backend; optimize: 1 | 2 },
): Settings {
  const tensors = (id: number) => plan.tensors[id] as NonNullable<(typeof plan.tensors)[number]>;
  return {
    zkmlc: VERSION,
    model: { file: basename(modelPath), sha256: sha256(bytes), opset: graph.opset, producer: graph.producer },
    scales,
    rounding: "half-away-from-zero",
    visibility,
    inputCheck: checkInputCheck(opts.inputCheck),
    calibration: { source: cal.source, samples: cal.samples },
    softmax: checkSoftmax(opts.softmax),
    inputs: plan.inputs.flatMap((p, i) => {
      if (p.param) return [];
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
    params: plan.inputs.flatMap((p, i) => {
      if (!p.param) return [];
      const t = tensors(p.out);
      return [
        {
          name: p.param.name,
          signal: emitted.inputNames[i] as string,
          shape: t.shape,
          scale: t.scale,
          bits: p.bits,
        },
      ];
    }),
    commitments: commitmentRecords(plan, emitted),
    system: made.system,
    backend: made.backend,
    circuit: {
      optimization: made.optimize === 2 ? "O2" : "O1",
      constraints: made.constraints,
      estimatedConstraints: estimateConstraints(plan),
      publicSignals: publicSignalCount(plan),
      sha256: { circuit: sha256(emitted.source), ...made.sha256 },
    },
    nodes: nodeRows(plan),
  };
}

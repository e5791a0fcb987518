import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { expect } from "vitest";
import { mulberry32 } from "../../examples/prng.js";
import { decodeModel } from "../../src/1-decode/decode.js";
import {
  type AttrValue,
  buildModel,
  DataType,
  node,
  tensorProto,
  valueInfo,
} from "../../src/1-decode/onnx-builder.js";
import { evaluatePlan } from "../../src/3-lower/evaluate.js";
import type { Plan } from "../../src/3-lower/ir.js";
import { dequantize } from "../../src/3-lower/quantize-value.js";
import { checkWitness } from "../../src/5-compile/r1cs.js";
import { loadBuild, loadRunner } from "../../src/steps/build.js";
import {
  compile,
  estimateConstraints,
  graphOf,
  type ModelReader,
  planModel,
} from "../../src/steps/compile.js";
import { quantizeSample, type Sample } from "../../src/steps/inputs.js";
import { loadFloatModel } from "../../src/steps/onnxruntime.js";
import type { CompileOptions } from "../../src/steps/settings.js";
import { computeWitness } from "../../src/steps/witness.js";
import { checkBackends } from "./equivalence.js";
import { removeTempDir, tempDir } from "./temp.js";

/** Op tests pin their scales (2^7 inputs, 2^7 weights) so their expected counts do not follow the defaults. */
export const FIXED: CompileOptions = { inputRange: [-1, 1], inputScale: 7, paramScale: 7 };

/** A seeded PRNG (mulberry32) so test data is reproducible. */
export const rng = mulberry32;

export function uniform(r: () => number, n: number, lo = -1, hi = 1): Float64Array {
  return Float64Array.from({ length: n }, () => lo + (hi - lo) * r());
}

/** Write a model into a fresh temporary folder (removed after the test file's tests: temp.ts). */
export function writeTempModel(bytes: Uint8Array, name = "model.onnx"): string {
  const path = join(tempDir("zkmlc-op-"), name);
  writeFileSync(path, bytes);
  return path;
}

/** Remove a writeTempModel folder now (the op checks do, so that a file's builds do not pile up). */
function removeTempModel(path: string): void {
  removeTempDir(dirname(path));
}

/**
 * readModel without onnxruntime's whole-graph check (type-check.ts): the op tests exercise each lowering
 * (its own checks, and branches such as TopK without its Indices output) on models as written, which
 * onnxruntime would refuse first in `zkmlc compile`.
 */
export const readUnchecked: ModelReader = async (path, opts) => {
  const bytes = new Uint8Array(readFileSync(path));
  return { bytes, graph: graphOf(decodeModel(bytes, { inputShapes: opts.inputShapes })) };
};

/** A model of one node: inputs are float32 graph inputs, `weights` become raw-data initializers. */
export function singleOp(opts: {
  op: string;
  inputs: [string, number[]][];
  weights?: [string, number[], ArrayLike<number>][];
  nodeInputs?: string[];
  attrs?: Record<string, AttrValue>;
  output: number[];
  /** Element type of the output (default float). */
  outputType?: DataType;
  opset?: number;
}): Uint8Array {
  return buildModel({
    nodes: [
      node(
        opts.op,
        opts.nodeInputs ?? [...opts.inputs.map((i) => i[0]), ...(opts.weights ?? []).map((w) => w[0])],
        ["y"],
        opts.attrs ?? {},
        "n0",
      ),
    ],
    initializers: (opts.weights ?? []).map(([name, dims, v]) => tensorProto(name, dims, v)),
    inputs: opts.inputs.map(([name, dims]) => valueInfo(name, DataType.FLOAT, dims)),
    outputs: [valueInfo("y", opts.outputType ?? DataType.FLOAT, opts.output)],
    opset: opts.opset ?? 13,
  });
}

export interface OpCheck {
  plan: Plan;
  maxError: number;
  errorBound: number;
}

/**
 * The per-op contract: the integer reference, dequantized, matches onnxruntime's float output within the
 * proven error bound, and every intermediate value stays inside its proven bounds.
 */
export async function checkAgainstFloat(
  bytes: Uint8Array,
  samples: Sample[],
  opts: CompileOptions = FIXED,
): Promise<OpCheck> {
  const path = writeTempModel(bytes);
  try {
    return await checkAgainstFloatAt(path, samples, opts);
  } finally {
    removeTempModel(path);
  }
}

async function checkAgainstFloatAt(path: string, samples: Sample[], opts: CompileOptions): Promise<OpCheck> {
  const { plan, graph } = await planModel(path, opts, readUnchecked);
  const float = await loadFloatModel(path, graph.inputs, graph.outputs);
  const inputs = plan.inputs.map((p) => {
    const t = plan.tensors[p.out];
    if (!t) throw new Error("no input tensor");
    return {
      name: t.onnxName,
      scale: t.scale,
      range: [0, 0] as [number, number],
      intRange: [t.lo[0]?.toString() ?? "0", t.hi[0]?.toString() ?? "0"] as [string, string],
    };
  });
  let maxError = 0;
  let errorBound = 0;
  for (const s of samples) {
    const ints = quantizeSample(s, inputs);
    const vals = evaluatePlan(plan, ints);
    vals.forEach((v, id) => {
      const t = plan.tensors[id];
      v?.forEach((x, i) => {
        expect(
          x >= (t?.lo[i] as bigint) && x <= (t?.hi[i] as bigint),
          `tensor ${id}[${i}] = ${x} within its bounds`,
        ).toBe(true);
      });
    });
    const ref = await float.run(s);
    plan.outputs.forEach((o, k) => {
      const t = plan.tensors[o.tensor];
      const got = (vals[o.tensor] ?? []).map((x) => dequantize(x, t?.scale ?? 0));
      const want = ref[k] ?? new Float64Array();
      expect(got.length).toBe(want.length);
      got.forEach((g, i) => {
        const bound = (t?.err[i] as number) + 1e-5 * Math.max(1, Math.abs(want[i] as number)); // + float32 rounding in onnxruntime
        const e = Math.abs(g - (want[i] as number));
        expect(e, `output ${o.onnxName}[${i}]: circuit ${g} vs float ${want[i]}`).toBeLessThanOrEqual(bound);
        maxError = Math.max(maxError, e);
        errorBound = Math.max(errorBound, t?.err[i] as number);
      });
    });
  }
  return { plan, maxError, errorBound };
}

/**
 * Compile for real with both backends: the direct build's count equals the estimate and circom --O2's,
 * its witness satisfies its r1cs and, mapped by signal names, circom's (test/support/equivalence.ts).
 * With `backend: "circom"` (PLONK/FFLONK, --O1): circom's witness equals the reference and satisfies
 * its r1cs, whose count is at least the estimate (O1 keeps the linear constraints).
 */
export async function checkCircuit(
  bytes: Uint8Array,
  samples: Sample[],
  opts: CompileOptions = FIXED,
): Promise<{ constraints: number }> {
  const path = writeTempModel(bytes);
  try {
    return await checkCircuitAt(path, samples, opts);
  } finally {
    removeTempModel(path);
  }
}

async function checkCircuitAt(
  path: string,
  samples: Sample[],
  opts: CompileOptions,
): Promise<{ constraints: number }> {
  const dir = join(path, "..", "build");
  const { settings, plan } = await compile(path, dir, opts, undefined, readUnchecked);
  const build = await loadBuild(dir);
  if (settings.backend === "direct") {
    expect(settings.circuit.constraints).toBe(estimateConstraints(plan));
    await checkBackends(build, samples);
    return { constraints: settings.circuit.constraints };
  }
  if (settings.circuit.optimization === "O2")
    expect(settings.circuit.constraints).toBe(estimateConstraints(plan));
  else expect(settings.circuit.constraints).toBeGreaterThanOrEqual(estimateConstraints(plan));
  const runner = await loadRunner(build);
  for (const s of samples) {
    const w = await computeWitness(build, runner, s); // throws if the witness differs from the reference
    expect((await checkWitness(join(dir, "circuit.r1cs"), w.witness)).ok).toBe(true);
  }
  return { constraints: settings.circuit.constraints };
}

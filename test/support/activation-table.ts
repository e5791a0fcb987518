import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import type { AttrValue } from "../../src/1-decode/onnx-builder.js";
import { evaluatePlan } from "../../src/3-lower/evaluate.js";
import type { Plan } from "../../src/3-lower/ir.js";
import { primConstraints } from "../../src/3-lower/prims/registry.js";
import { dequantize } from "../../src/3-lower/quantize-value.js";
import { estimateConstraints, planModel } from "../../src/steps/compile.js";
import {
  checkAgainstFloat,
  checkCircuit,
  FIXED,
  type OpCheck,
  rng,
  singleOp,
  uniform,
  writeTempModel,
} from "./op-check.js";

/**
 * The README's "Non-linear approximations" table and the measurement it documents: an activation at
 * the default scales (inputs 2^8, weights 2^12) over every integer input of a calibrated range (one
 * element each, range-checked exactly so its bounds are that range; the input checks are not counted),
 * compared with the exact function in float64.
 */

export interface TableRow {
  op: string;
  method: string;
  domain: string;
  poly: string;
  constraints: number;
  maxError: number;
}

const README = join(import.meta.dirname, "..", "..", "README.md");

/** The table's rows by their first column. */
export function readTable(): Map<string, TableRow> {
  const text = readFileSync(README, "utf8");
  const start = text.indexOf("### Non-linear approximations");
  if (start < 0) throw new Error("README.md has no '### Non-linear approximations' section");
  const rows = new Map<string, TableRow>();
  for (const line of text.slice(start).split("\n").slice(1)) {
    if (line.startsWith("#")) break;
    if (!line.startsWith("|") || /^\|\s*(op|-+)\s*\|/.test(line)) continue;
    // cells are separated by unescaped pipes (\\| is a pipe inside a cell)
    const cells = line
      .split(/(?<!\\)\|/)
      .slice(1, -1)
      .map((c) => c.trim());
    const [op, method, domain, poly, constraints, maxError] = cells;
    rows.set((op ?? "").replaceAll("`", ""), {
      op: op ?? "",
      method: method ?? "",
      domain: domain ?? "",
      poly: poly ?? "",
      constraints: Number((constraints ?? "").replaceAll(",", "")),
      maxError: Number(maxError),
    });
  }
  return rows;
}

/** The plan's constraints without its input range checks: what the op itself costs. */
function opCost(plan: Plan): number {
  const inputs = plan.inputs.reduce((s, p) => s + primConstraints(p, plan.tensors[p.out]?.lo.length ?? 0), 0);
  return estimateConstraints(plan) - inputs;
}

export interface Measured {
  plan: Plan;
  /** Integer inputs measured and their count. */
  count: number;
  perElement: number;
  maxError: number;
  /** Inputs whose error exceeds the proven bound (must be 0). */
  beyondBound: number;
}

/** Every integer input of `range` at scale 8 through a one-node model of `op`; error vs `f` in float64. */
export async function measureActivation(opts: {
  op: string;
  f: (x: number) => number;
  range: [number, number];
  attrs?: Record<string, AttrValue>;
  /** Constant inputs after x (e.g. Pow's exponent). */
  weights?: [string, number[], ArrayLike<number>][];
  opset?: number;
}): Promise<Measured> {
  const s = 8;
  const lo = Math.round(opts.range[0] * 2 ** s);
  const hi = Math.round(opts.range[1] * 2 ** s);
  const count = hi - lo + 1;
  const model = singleOp({
    op: opts.op,
    inputs: [["x", [1, count]]],
    weights: opts.weights,
    attrs: opts.attrs,
    output: [1, count],
    opset: opts.opset,
  });
  const { plan } = await planModel(writeTempModel(model), {
    inputScale: s,
    paramScale: 12,
    inputRange: opts.range,
    inputCheck: "exact",
  });
  const ints = Array.from({ length: count }, (_, i) => BigInt(lo + i));
  const vals = evaluatePlan(plan, [ints]);
  const out = plan.outputs[0];
  const t = out && plan.tensors[out.tensor];
  const y = out && vals[out.tensor];
  if (!t || !y) throw new Error("no output");
  let maxError = 0;
  let beyondBound = 0;
  y.forEach((v, i) => {
    const e = Math.abs(dequantize(v, t.scale) - opts.f((lo + i) / 2 ** s));
    maxError = Math.max(maxError, e);
    if (e > (t.err[i] as number) + 1e-12) beyondBound++;
  });
  return { plan, count, perElement: opCost(plan) / count, maxError, beyondBound };
}

/** The documented row of `name` holds for the measurement: exact cost, error at most the documented one. */
export function expectDocumented(name: string, m: Measured): void {
  expect(m.beyondBound, `${name}: inputs beyond the proven error bound`).toBe(0);
  const row = readTable().get(name);
  expect(row, `README table row "${name}"`).toBeDefined();
  expect(m.perElement, `${name}: constraints per element`).toBe(row?.constraints);
  expect(m.maxError, `${name}: max error`).toBeLessThanOrEqual(row?.maxError ?? 0);
}

/**
 * An elementwise op against onnxruntime within its proven bound on random inputs of [-1, 1] and of a
 * wide range (so clamping or whole-range polynomials are exercised), at the fixed test scales, and one
 * circuit compiled (witness = reference, r1cs satisfied, constraint count = estimate).
 */
export async function checkElementwise(opts: {
  op: string;
  attrs?: Record<string, AttrValue>;
  opset?: number;
  wide?: [number, number];
  seed?: number;
  /** Input range check (default pow2: it widens the bounds to lo + 2^bits − 1). */
  check?: "pow2" | "exact";
}): Promise<{ narrow: OpCheck; wide: OpCheck; constraints: number }> {
  const r = rng(opts.seed ?? 7);
  const m = singleOp({
    op: opts.op,
    inputs: [["x", [2, 5]]],
    output: [2, 5],
    attrs: opts.attrs,
    opset: opts.opset,
  });
  const vis = { inputCheck: opts.check ?? "pow2" } as const;
  const narrow = await checkAgainstFloat(
    m,
    Array.from({ length: 6 }, () => [uniform(r, 10)]),
    { ...FIXED, ...vis },
  );
  const [lo, hi] = opts.wide ?? [-12, 12];
  const wideOpts = { ...FIXED, ...vis, inputRange: [lo, hi] as [number, number] };
  const samples = Array.from({ length: 6 }, () => [uniform(r, 10, lo, hi)]);
  // the range's ends too
  samples.push([Float64Array.from({ length: 10 }, (_, i) => (i % 2 ? hi : lo))]);
  const wide = await checkAgainstFloat(m, samples, wideOpts);
  const { constraints } = await checkCircuit(m, samples.slice(0, 2), wideOpts);
  return { narrow, wide, constraints };
}

/**
 * (Log)Softmax over rows of 10 logits at the default scales: 50 rows of logits in [-10, 10] (the first of
 * each row spread over the whole range, the others shrunk towards 0 by a random factor so rows have a
 * dominant entry), error against the exact function in float64, cost per element.
 */
export async function measureSoftmax(op: "Softmax" | "LogSoftmax"): Promise<Measured> {
  const rows = 50;
  const n = 10;
  const model = singleOp({ op, inputs: [["x", [rows, n]]], output: [rows, n], opset: 13 });
  const { plan } = await planModel(writeTempModel(model), {
    inputScale: 8,
    paramScale: 12,
    inputRange: [-10, 10],
    inputCheck: "exact",
  });
  const r = rng(5);
  const ints = Array.from({ length: rows * n }, (_, i) =>
    BigInt(Math.round((r() * 2 - 1) * 10 * 256 * (i % n === 0 ? 1 : r()))),
  );
  const vals = evaluatePlan(plan, [ints]);
  const out = plan.outputs[0];
  const t = out && plan.tensors[out.tensor];
  const y = out && vals[out.tensor];
  if (!t || !y) throw new Error("no output");
  let maxError = 0;
  let beyondBound = 0;
  for (let k = 0; k < rows; k++) {
    const xs = ints.slice(k * n, k * n + n).map((v) => Number(v) / 256);
    const m = Math.max(...xs);
    const sum = xs.reduce((a, v) => a + Math.exp(v - m), 0);
    xs.forEach((v, j) => {
      const want = op === "Softmax" ? Math.exp(v - m) / sum : v - m - Math.log(sum);
      const e = Math.abs(dequantize(y[k * n + j] as bigint, t.scale) - want);
      maxError = Math.max(maxError, e);
      if (e > (t.err[k * n + j] as number) + 1e-12) beyondBound++;
    });
  }
  return { plan, count: rows * n, perElement: opCost(plan) / (rows * n), maxError, beyondBound };
}

export async function expectSoftmaxDocumented(op: "Softmax" | "LogSoftmax"): Promise<void> {
  expectDocumented(`${op} (n = 10)`, await measureSoftmax(op));
}

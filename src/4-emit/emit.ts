import type { AffinePrim, Plan, Prim, QTensor, RescalePrim } from "../3-quantize/ir.js";
import { outputWiring } from "../3-quantize/output-rank.js";
import { bug } from "../errors.js";
import {
  type EmitEnv,
  emitCmp,
  emitDiv,
  emitMax,
  emitMul,
  emitOneHot,
  emitPoly,
  emitSqrt,
  polyTemplate,
} from "./emit-prims.js";
import { circuitNames, tensorSignal } from "./names.js";

export interface EmitInfo {
  /** Header lines (generator, model hash); must be deterministic. */
  header: string[];
}

export interface EmittedCircuit {
  source: string;
  /** Circuit signal name of each graph input / output, in plan order. */
  inputNames: string[];
  outputNames: string[];
}

const INDENT = "    ";

/**
 * Emit the model as one readable Circom template: a comment block per ONNX node, a signal array per
 * tensor, affine maps written out as linear combinations (free: --O2 substitutes them away), rescales
 * and range checks as components of the circuits/ library.
 */
export function emitCircuit(plan: Plan, info: EmitInfo): EmittedCircuit {
  const inputNames = circuitNames(
    "in",
    plan.inputs.map((p) => tensor(plan, p.out).onnxName),
  );
  const outputNames = circuitNames(
    "out",
    plan.outputs.map((o) => o.onnxName),
  );
  const signal = new Map<number, string>();
  for (const [i, p] of plan.inputs.entries()) signal.set(p.out, inputNames[i] as string);
  const name = (id: number) => signal.get(id) ?? bug(`tensor ${id} has no signal`);

  const body: string[] = [];
  const templates: string[] = [];
  const env: EmitEnv = { tensor: (id) => tensor(plan, id), name };
  plan.inputs.forEach((p, i) => {
    const t = tensor(plan, p.out);
    const range = p.upper === undefined ? `[${p.lo}, ${p.lo} + 2^${p.bits})` : `[${p.lo}, ${p.upper}]`;
    body.push(
      `signal input ${inputNames[i]}[${t.lo.length}]; // "${t.onnxName}" [${t.shape}], scale 2^${t.scale}, ${p.visibility}, range-checked to ${range}`,
    );
  });
  plan.outputs.forEach((o, i) => {
    const t = tensor(plan, o.tensor);
    body.push(
      `signal output ${outputNames[i]}[${t.lo.length}]; // "${o.onnxName}" [${o.shape}], scale 2^${t.scale}`,
    );
  });
  // Public inputs too: the bounds of every later value assume it, and an on-chain verifier checks nothing else.
  plan.inputs.forEach((p, i) => {
    const n = tensor(plan, p.out).lo.length;
    const c = `rc_${inputNames[i]}`;
    body.push("", `// range check of the ${p.visibility} input ${inputNames[i]}`);
    body.push(`component ${c}[${n}];`);
    body.push(`for (var i = 0; i < ${n}; i++) {`);
    body.push(`${INDENT}${c}[i] = RangeCheck(${p.bits});`);
    body.push(`${INDENT}${c}[i].in <== ${inputNames[i]}[i]${offset(-p.lo)};`);
    body.push("}");
    if (p.upper === undefined) return;
    // The exact check: also upper − x ∈ [0, 2^bits), so x ∈ [lo, upper] (upper − lo < 2^bits).
    body.push(`component ${c}_upper[${n}];`);
    body.push(`for (var i = 0; i < ${n}; i++) {`);
    body.push(`${INDENT}${c}_upper[i] = RangeCheck(${p.bits});`);
    body.push(`${INDENT}${c}_upper[i].in <== ${p.upper} - ${inputNames[i]}[i];`);
    body.push("}");
  });

  for (const pn of plan.nodes) {
    const n = pn.node;
    body.push(
      "",
      `// node #${n.index} "${n.name}" (${n.opType}): [${pn.inputShapes.map((s) => `[${s}]`).join(", ")}] -> ${pn.outputShapes.map((s) => `[${s}]`).join(", ")}`,
    );
    if (pn.prims.length === 0) body.push("// (no constraints: a view of existing signals or a constant)");
    for (const p of pn.prims) {
      if (p.kind === "input") continue;
      if (p.kind === "poly")
        templates.push(
          ...polyTemplate(p, tensorSignal(p.out), `node #${n.index} "${n.name}" (${n.opType})`),
          "",
        );
      body.push(...emitPrim(plan, p, env, templates));
      signal.set(p.out, tensorSignal(p.out));
    }
  }
  const { pinned } = outputWiring(plan);
  plan.outputs.forEach((o, i) => {
    body.push("", ...emitOutput(outputNames[i] as string, name(o.tensor), pinned[i] ?? []));
  });

  const publicInputs = plan.inputs.flatMap((p, i) =>
    p.visibility === "public" ? [inputNames[i] as string] : [],
  );
  const main =
    publicInputs.length > 0
      ? `component main {public [${publicInputs.join(", ")}]} = Model();`
      : "component main = Model();";
  const source = [
    "pragma circom 2.1.0;",
    ...info.header.map((l) => `// ${l}`),
    "// Fixed point: real value = integer / 2^scale. Negative integers are field elements p - |x|.",
    'include "zkmlc/zkmlc.circom";',
    "",
    ...templates,
    "template Model() {",
    ...body.map((l) => (l === "" ? "" : INDENT + l)),
    "}",
    "",
    main,
    "",
  ].join("\n");
  return { source, inputNames, outputNames };
}

/** Output wiring; pinned elements are `out = t + z` with `z·z === 0` (see outputWiring). */
function emitOutput(out: string, t: string, pinned: boolean[]): string[] {
  const n = pinned.length;
  const z = `z_${out}`;
  const pin = (i: string) => [
    `${z}[${i}] <-- 0;`,
    `${z}[${i}] * ${z}[${i}] === 0;`,
    `${out}[${i}] <== ${t}[${i}] + ${z}[${i}];`,
  ];
  if (!pinned.some(Boolean)) return [`for (var i = 0; i < ${n}; i++) ${out}[i] <== ${t}[i];`];
  const lines = [
    "// pinned outputs: z·z = 0 forces z = 0, and --O2 solves each output equation for its own z",
    `signal ${z}[${n}];`,
  ];
  if (pinned.every(Boolean))
    return [...lines, `for (var i = 0; i < ${n}; i++) {`, ...pin("i").map((l) => INDENT + l), "}"];
  for (let i = 0; i < n; i++) lines.push(...(pinned[i] ? pin(String(i)) : [`${out}[${i}] <== ${t}[${i}];`]));
  return lines;
}

function tensor(plan: Plan, id: number): QTensor {
  return plan.tensors[id] ?? bug(`no tensor ${id}`);
}

function offset(c: bigint): string {
  return c === 0n ? "" : c > 0n ? ` + ${c}` : ` - ${-c}`;
}

function emitPrim(
  plan: Plan,
  p: Exclude<Prim, { kind: "input" }>,
  env: EmitEnv,
  templates: string[],
): string[] {
  const s = tensorSignal(p.out);
  const out = tensor(plan, p.out);
  const head = `signal ${s}[${out.lo.length}]; // scale 2^${out.scale}`;
  switch (p.kind) {
    case "affine":
      return [head, ...emitAffine(plan, p, s, env.name, templates)];
    case "rescale":
      return [head, ...emitRescale(p, s, env.name)];
    case "mul":
      return [head, ...emitMul(p, s, env)];
    case "max":
      return [head, ...emitMax(p, s, env)];
    case "cmp":
      return [head, ...emitCmp(p, s, env)];
    case "div":
      return [head, ...emitDiv(p, s, env)];
    case "sqrt":
      return [head, ...emitSqrt(p, s, env)];
    case "poly":
      return [head, ...emitPoly(p, s, env)];
    case "onehot":
      return [head, ...emitOneHot(p, s, env)];
  }
}

/**
 * Longest linear combination written in one expression: circom recurses per term (a 785-term sum
 * overflowed its stack). Chunks accumulated in a var compiled 3x faster than a weight matrix and a loop.
 */
const MAX_TERMS_PER_LINE = 32;

/**
 * Terms of one affine map written in the Model template itself. circom compiles each template to one
 * wasm function and V8 refuses functions over 7,654,321 bytes (about 230k terms: LeNet-5's second
 * convolution alone has 240k), so larger maps go in block templates of at most this many terms each.
 */
const MAX_TERMS_PER_TEMPLATE = 50_000;

function emitAffine(
  plan: Plan,
  p: AffinePrim,
  s: string,
  name: (id: number) => string,
  templates: string[],
): string[] {
  const total = p.rows.reduce((a, r) => a + r.idx.length, 0);
  if (total <= MAX_TERMS_PER_TEMPLATE) {
    // Concatenated input index -> "signal[element]".
    const src: string[] = [];
    for (const id of p.ins) {
      const sig = name(id);
      for (let j = 0; j < tensor(plan, id).lo.length; j++) src.push(`${sig}[${j}]`);
    }
    return p.rows.flatMap((row, i) => emitRow(row, p.bias[i] as bigint, `${s}[${i}]`, src));
  }
  const width = p.ins.reduce((a, id) => a + tensor(plan, id).lo.length, 0);
  const x = Array.from({ length: width }, (_, j) => `x[${j}]`);
  const lines: string[] = [`// ${total} terms: rows in block templates (wasm function size limit)`];
  let start = 0;
  let block = 0;
  while (start < p.rows.length) {
    let end = start;
    let terms = 0;
    while (
      end < p.rows.length &&
      (end === start || terms + (p.rows[end]?.idx.length ?? 0) <= MAX_TERMS_PER_TEMPLATE)
    )
      terms += p.rows[end++]?.idx.length ?? 0;
    const t = `Block_${s}_${block}`;
    templates.push(
      `// rows ${start}..${end - 1} of ${s}`,
      `template ${t}() {`,
      `${INDENT}signal input x[${width}];`,
      `${INDENT}signal output out[${end - start}];`,
      ...p.rows
        .slice(start, end)
        .flatMap((row, k) => emitRow(row, p.bias[start + k] as bigint, `out[${k}]`, x))
        .map((l) => INDENT + l),
      "}",
      "",
    );
    const c = `b_${s}_${block}`;
    lines.push(`component ${c} = ${t}();`);
    let off = 0;
    for (const id of p.ins) {
      const n = tensor(plan, id).lo.length;
      lines.push(`for (var i = 0; i < ${n}; i++) ${c}.x[${off} + i] <== ${name(id)}[i];`);
      off += n;
    }
    lines.push(`for (var i = 0; i < ${end - start}; i++) ${s}[${start} + i] <== ${c}.out[i];`);
    start = end;
    block++;
  }
  return lines;
}

/** One output of an affine map; long sums are accumulated in chunks. */
function emitRow(row: AffinePrim["rows"][number], bias: bigint, target: string, src: string[]): string[] {
  const terms: string[] = [];
  if (bias !== 0n) terms.push(bias.toString());
  for (let t = 0; t < row.idx.length; t++) {
    const c = row.coef[t] as bigint;
    if (c === 0n) continue;
    const v = src[row.idx[t] as number] ?? bug("affine source out of range");
    terms.push(c === 1n ? v : c === -1n ? `-${v}` : `${c}*${v}`);
  }
  const sum = (ts: string[]) => (ts.length === 0 ? "0" : ts.join(" + ").replaceAll("+ -", "- "));
  if (terms.length <= MAX_TERMS_PER_LINE) return [`${target} <== ${sum(terms)};`];
  const lines = ["{", `${INDENT}var acc = 0;`];
  for (let k = 0; k < terms.length; k += MAX_TERMS_PER_LINE)
    lines.push(`${INDENT}acc += ${sum(terms.slice(k, k + MAX_TERMS_PER_LINE))};`);
  return [...lines, `${INDENT}${target} <== acc;`, "}"];
}

function emitRescale(p: RescalePrim, s: string, name: (id: number) => string): string[] {
  const n = p.bits.length;
  const c = `c_${s}`;
  const tmpl = p.relu ? "RescaleRelu" : "Rescale";
  const what = p.relu ? (p.k === 0 ? "ReLU" : `rescale by 2^${p.k} with ReLU`) : `rescale by 2^${p.k}`;
  const uniform = p.bits.every((b) => b === p.bits[0]);
  const bits = uniform ? String(p.bits[0]) : `N_${s}[i]`;
  return [
    `// ${what}; per-element decomposition widths from the bound analysis`,
    ...(uniform ? [] : [`var N_${s}[${n}] = [${p.bits.join(", ")}];`]),
    `component ${c}[${n}];`,
    `for (var i = 0; i < ${n}; i++) {`,
    `${INDENT}${c}[i] = ${tmpl}(${bits}, ${p.k});`,
    `${INDENT}${c}[i].in <== ${name(p.in)}[i];`,
    `${INDENT}${s}[i] <== ${c}[i].out;`,
    "}",
  ];
}

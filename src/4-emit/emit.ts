import { mainOutputs, type Plan, type QTensor } from "../3-lower/ir.js";
import { outputWiring } from "../3-lower/output-rank.js";
import { PRIMS, specOf } from "../3-lower/prims/registry.js";
import type { EmitEnv } from "../3-lower/prims/spec.js";
import { COMMIT_SCHEME } from "../commit/commitment.js";
import { bug } from "../errors.js";
import { signalNames, tensorSignal } from "./names.js";

export interface EmitInfo {
  /** Header lines (generator, model hash); must be deterministic. */
  header: string[];
}

export interface EmittedCircuit {
  source: string;
  /** Circuit signal name of each graph input (and weight made a signal) / output, in plan order. */
  inputNames: string[];
  outputNames: string[];
  /** Of each commitment (plan.commitments order). */
  commitNames: string[];
}

const INDENT = "    ";

/**
 * Emit the model as one readable Circom template: a comment block per ONNX node, a signal array per
 * tensor, affine maps written out as linear combinations (free: --O2 substitutes them away), rescales
 * and range checks as components of the circuits/ library.
 */
export function emitCircuit(plan: Plan, info: EmitInfo): EmittedCircuit {
  const { inputNames, outputNames, commitNames, mainNames, name, signal } = signalNames(plan);
  const body: string[] = [];
  const templates: string[] = [];
  const env: EmitEnv = { tensor: (id) => tensor(plan, id), name };
  plan.inputs.forEach((p, i) => {
    const t = tensor(plan, p.out);
    const range = p.upper === undefined ? `[${p.lo}, ${p.lo} + 2^${p.bits})` : `[${p.lo}, ${p.upper}]`;
    const what = p.param ? `weight "${p.param.name}"` : `"${t.onnxName}"`;
    body.push(
      `signal input ${inputNames[i]}[${t.lo.length}]; // ${what} [${t.shape}], scale 2^${t.scale}, ${p.visibility}, range-checked to ${range}`,
    );
  });
  mainOutputs(plan).forEach((m, i) => {
    const t = tensor(plan, m.tensor);
    const o = plan.outputs[m.output ?? -1];
    const what = o
      ? `"${o.onnxName}" [${o.shape}], scale 2^${t.scale}`
      : `${COMMIT_SCHEME} commitment to the ${plan.commitments?.[m.commitment ?? -1]?.role} tensors`;
    body.push(`signal output ${mainNames[i]}[${t.lo.length}]; // ${what}`);
  });

  // Public inputs too: the bounds of every later value assume it, and an on-chain verifier checks nothing else.
  plan.inputs.forEach((p, i) => {
    body.push("", ...PRIMS.input.circom(p, inputNames[i] as string, env, templates));
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
      const s = tensorSignal(p.out);
      const out = tensor(plan, p.out);
      body.push(
        `signal ${s}[${out.lo.length}]; // scale 2^${out.scale}`,
        ...specOf(p).circom(p, s, env, templates),
      );
      signal.set(p.out, s);
    }
  }
  const { pinned } = outputWiring(plan);
  mainOutputs(plan).forEach((o, i) => {
    body.push("", ...emitOutput(mainNames[i] as string, name(o.tensor), pinned[i] ?? []));
  });
  for (const o of plan.outputs)
    if (o.hashed)
      body.push(`// output "${o.onnxName}" is ${name(o.tensor)}: private, committed to by commit_output`);

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
  // A hashed output has no output signal of its own: its tensor's signal holds it.
  const outputSignals = plan.outputs.map((o, i) => (o.hashed ? name(o.tensor) : (outputNames[i] as string)));
  return { source, inputNames, outputNames: outputSignals, commitNames };
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

import type { ConstTensor, Graph } from "../1-decode/graph.js";
import { type CommitRole, type CommitTensorSpec, elementCount } from "../commit/commitment.js";
import { bug, fail } from "../errors.js";
import { P } from "./field.js";
import type { CommitPrim, InputPrim, Visibilities } from "./ir.js";
import type { PlanBuilder } from "./lower.js";
import { quantizeNumber } from "./quantize-value.js";
import { bitsUnsigned } from "./rounding.js";

/**
 * Hashed and private visibility (issue 12): weights made signals, and the commitments the circuit makes
 * public. Packing a tensor into a commitment is injective only for values proven in [lo, lo + 2^bits):
 * inputs and weights are range-checked to exactly that by their input prims; an output's bounds are
 * proven by the range checks upstream of it (the bound analysis, tested per op family).
 */

/** The op of the final node that holds the commit prims (no ONNX op: a node zkmlc adds). */
export const COMMIT_OP = "zkmlc.Commit";

/** The operand slots that hold weights and biases: the initializers --param-visibility makes signals. */
const WEIGHT_SLOTS: Readonly<Record<string, readonly number[]>> = {
  Gemm: [0, 1, 2],
  MatMul: [0, 1],
  Conv: [1, 2],
  ConvTranspose: [1, 2],
};

/** Float initializers in a weight slot of some node, in first-use order. */
export function weightInitializers(graph: Graph): [string, ConstTensor][] {
  const out = new Map<string, ConstTensor>();
  const producedBy = new Map(graph.nodes.flatMap((n) => n.outputs.map((o) => [o, n.opType] as const)));
  for (const node of graph.nodes) {
    const slots = WEIGHT_SLOTS[node.opType] ?? [];
    node.inputs.forEach((name, i) => {
      const t = graph.constants.get(name);
      if (!t?.dtype.startsWith("float")) return;
      // A bias added after a MatMul (how many exporters write a linear layer) is a weight too.
      const bias =
        node.opType === "Add" &&
        node.inputs.some((o, j) => j !== i && ["MatMul", "Conv"].includes(producedBy.get(o) ?? ""));
      if (slots.includes(i) || bias) out.set(name, t);
    });
  }
  return [...out];
}

/**
 * The range a weight signal is checked to: the symmetric [−2^(b−1), 2^(b−1)) of the smallest b that
 * holds this model's quantized weights. The bounds (and so the key) depend on b only, so any weights
 * of the same architecture that fit it use the same circuit.
 */
export function paramBits(values: readonly bigint[]): number {
  const m = values.reduce((a, v) => (v < 0n ? (-v > a ? -v : a) : v > a ? v : a), 0n);
  return bitsUnsigned(m) + 1;
}

/** Quantized weights, refused (input-out-of-range) where one does not fit lo + [0, 2^bits). */
export function quantizeParam(name: string, t: ConstTensor, scale: number, bits?: number): bigint[] {
  const values = Array.from(t.data, (v, i) => {
    if (!Number.isFinite(v)) fail("bad-onnx", `weight "${name}" holds ${v} at element ${i}`);
    return quantizeNumber(v, scale);
  });
  if (bits !== undefined) {
    const half = 1n << BigInt(bits - 1);
    const i = values.findIndex((v) => v < -half || v >= half);
    if (i >= 0)
      fail(
        "input-out-of-range",
        `weight "${name}" element ${i} is ${t.data[i]}: quantized at 2^${scale} it needs more than the ${bits} bits the circuit checks`,
        { hint: "these weights do not fit this build; compile a build for them (its key will differ)" },
      );
  }
  return values;
}

/** A weight as a private input signal, range-checked to its bits. */
export function paramInput(b: PlanBuilder, name: string, t: ConstTensor, scale: number): InputPrim {
  const values = quantizeParam(name, t, scale);
  const bits = paramBits(values);
  const half = 1n << BigInt(bits - 1);
  const n = elementCount(t.shape);
  const q = b.newTensor({
    onnxName: name,
    shape: t.shape,
    scale,
    lo: new Array(n).fill(-half),
    hi: new Array(n).fill(half - 1n),
    err: new Float64Array(n).fill(2 ** -(scale + 1)),
    weight: true,
  });
  return { kind: "input", out: q.id, lo: -half, bits, visibility: "private", param: { name, values } };
}

/**
 * The final "commitments" node: one commit prim per hashed class (inputs, weights, outputs), each a
 * public signal after the public outputs.
 */
export function commitments(b: PlanBuilder, index: number, vis: Visibilities): void {
  const { plan } = b;
  const tensor = (id: number) => plan.tensors[id] ?? bug(`no tensor ${id}`);
  const classes: [CommitRole, { id: number; spec: CommitTensorSpec }[]][] = [];
  const ofInput = (p: InputPrim) => {
    const t = tensor(p.out);
    return { id: p.out, spec: { shape: t.shape, scale: t.scale, lo: p.lo, bits: p.bits } };
  };
  if (vis.input === "hashed") classes.push(["input", plan.inputs.filter((p) => !p.param).map(ofInput)]);
  if (vis.param === "hashed") classes.push(["param", plan.inputs.filter((p) => p.param).map(ofInput)]);
  if (vis.output === "hashed")
    classes.push([
      "output",
      plan.outputs.map((o) => ({ id: o.tensor, spec: { ...outputRange(tensor(o.tensor)), shape: o.shape } })),
    ]);
  if (classes.length === 0) return;
  const prims: CommitPrim[] = classes.map(([role, ts]) => {
    const out = b.newTensor({
      onnxName: `commitment of the ${role}s`,
      shape: [1],
      scale: 0,
      // Any field element: nothing computes with it, and the node rows show no bit width for it.
      lo: [0n],
      hi: [P - 1n],
      err: new Float64Array(1),
    });
    return { kind: "commit", out: out.id, role, tensors: ts.map((x) => ({ id: x.id, ...x.spec })) };
  });
  plan.commitments = prims.map((p) => ({ role: p.role, tensor: p.out }));
  plan.nodes.push({
    node: { index, name: "commitments", opType: COMMIT_OP },
    inputShapes: prims.flatMap((p) => p.tensors.map((t) => t.shape as number[])),
    outputShapes: prims.map(() => [1]),
    prims,
  });
}

/** The range an output is proven in, as the commitment packs it: lo + [0, 2^bits). */
export function outputRange(t: { lo: readonly bigint[]; hi: readonly bigint[]; scale: number }): {
  scale: number;
  lo: bigint;
  bits: number;
} {
  const lo = t.lo.reduce((a, v) => (v < a ? v : a), t.lo[0] ?? 0n);
  const hi = t.hi.reduce((a, v) => (v > a ? v : a), t.hi[0] ?? 0n);
  return { scale: t.scale, lo, bits: Math.max(1, bitsUnsigned(hi - lo)) };
}

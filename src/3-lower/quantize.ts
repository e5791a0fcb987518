import type { DType, Graph } from "../1-decode/graph.js";
import { nodeRef, numel } from "../1-decode/graph.js";
import { fail, type NodeRef, ZkmlError } from "../errors.js";
import { foldNode } from "./fold-constants.js";
import { fuseAffine } from "./fuse.js";
import type { InputCheck, InputPrim, Plan, Postprocess, QTensor, Visibilities } from "./ir.js";
import { LowerCtx, PlanBuilder, type QuantScales, type Value } from "./lower.js";
import { EXPANSION_OPSET } from "./ops/op.js";
import { OPS } from "./ops/registry.js";
import { outsideSoftmax, type SoftmaxMode } from "./postprocess.js";
import { primConstraints } from "./prims/registry.js";
import { quantizeNumber } from "./quantize-value.js";
import { bitsUnsigned } from "./rounding.js";
import { commitments, paramInput, weightInitializers } from "./visibility.js";

export interface QuantOptions extends QuantScales {
  visibility: Visibilities;
  /** How inputs are range-checked (default "pow2"). */
  inputCheck?: InputCheck;
  /** Calibrated real range [lo, hi] per graph input name. */
  ranges: Record<string, [number, number]>;
  /** "outside": a (Log)Softmax that is a graph output is applied after decoding (see postprocess.ts). */
  softmax?: SoftmaxMode;
  /** Stop with error too-large at the node where the running constraint estimate passes this. */
  maxConstraints?: number;
  /** Where that limit comes from (default: --max-constraints) and what to do about it. */
  limit?: { why: string; hint: string };
  /** The model's path, for hints. */
  modelPath?: string;
}

/** `zkmlc inspect` lists every node's cost whatever --max-constraints says. */
export function tooLargeHint(model = "<model.onnx>"): string {
  return `\`zkmlc inspect ${model}\` lists the constraints of every node (it is not limited by --max-constraints); raise --max-constraints to compile it anyway`;
}

/** "N constraints" and, for a default limit, where it comes from. */
export function limitText(max: number, opts: Pick<QuantOptions, "limit">): string {
  return `${max.toLocaleString("en-US")} constraints (${opts.limit?.why ?? "--max-constraints"})`;
}

/** Integer and bool inputs are exact at scale 0 (a bool is 0 or 1); real inputs take the input scale. */
export function inputScaleOf(dtype: DType, inputScale: number): number {
  return dtype === "float32" || dtype === "float64" || dtype === "float16" ? inputScale : 0;
}

/** The integer range [lo, lo + 2^bits) that the circuit enforces for a calibrated real range. */
export function inputIntRange(
  range: [number, number],
  scale: number,
): { lo: bigint; hi: bigint; bits: number } {
  const lo = quantizeNumber(range[0], scale);
  const hi = quantizeNumber(range[1], scale);
  return { lo, hi, bits: Math.max(1, bitsUnsigned(hi - lo)) };
}

/** Lower the graph to circuit IR: scales, per-element bounds, error bounds, prims. */
const INT_TYPES = new Set(["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]);
/** Ops whose output has their inputs' element type. */
const TYPE_PRESERVING = new Set([
  "Add",
  "Sub",
  "Mul",
  "Div",
  "Neg",
  "Abs",
  "Identity",
  "Reshape",
  "Flatten",
  "Squeeze",
  "Unsqueeze",
  "Transpose",
  "Concat",
  "Slice",
  "Gather",
  "GatherElements",
  "GatherND",
  "Scatter",
  "ScatterElements",
  "ScatterND",
  "Max",
  "Min",
  "Sum",
  "Pow",
]);

/**
 * Whether a node computes on integer-typed tensors (ONNX Div on integers truncates, on reals it
 * does not): all its present inputs are integer-typed graph inputs, integer constants or outputs of
 * such nodes, or it is a Cast to an integer type.
 */
function integerTyped(node: Graph["nodes"][number], intNames: Set<string>, env: Map<string, Value>): boolean {
  if (node.opType === "Cast") {
    const to = node.attrs.get("to");
    return to?.type === "int" && [2, 3, 4, 5, 6, 7, 12, 13].includes(to.value);
  }
  if (!TYPE_PRESERVING.has(node.opType)) return false;
  const ins = node.inputs.filter((i) => i !== "");
  return (
    ins.length > 0 &&
    ins.every((i) => {
      const v = env.get(i);
      return intNames.has(i) || (v?.kind === "const" && INT_TYPES.has(v.t.dtype));
    })
  );
}

/** Run a node's lowering; an error from a shared helper that names no node gets this one. */
function atNode<T>(node: NodeRef, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ZkmlError && !e.node)
      throw new ZkmlError(e.code, e.message, { node: nodeRef(node), hint: e.hint, cause: e });
    throw e;
  }
}

export async function quantize(graph: Graph, opts: QuantOptions): Promise<Plan> {
  const b = new PlanBuilder();
  let cost = 0;
  const env = new Map<string, Value>();
  for (const [name, t] of graph.constants) env.set(name, { kind: "const", t });

  for (const input of graph.inputs) {
    const range = opts.ranges[input.name];
    if (!range) fail("bug", `no calibrated range for input "${input.name}"`);
    const scale = inputScaleOf(input.dtype, opts.inputScale);
    const r = inputIntRange(range, scale);
    const visibility = opts.visibility.input === "public" ? "public" : "private";
    const n = numel(input.shape);
    // Every input, public or private, is range-checked in the circuit to [lo, lo + 2^bits), or exactly
    // [lo, hi] (a bool to {0, 1}): that is the range the bound analysis may assume. A check done only by
    // `zkmlc verify` would not exist for an on-chain verifier.
    const top = r.lo + (1n << BigInt(r.bits)) - 1n;
    const exact = opts.inputCheck === "exact" && r.hi < top;
    const hi = exact ? r.hi : top;
    const q = b.newTensor({
      onnxName: input.name,
      shape: input.shape,
      scale,
      lo: new Array(n).fill(r.lo),
      hi: new Array(n).fill(hi),
      err: new Float64Array(n).fill(scale === 0 ? 0 : 2 ** -(scale + 1)),
    });
    const prim: InputPrim = {
      kind: "input",
      out: q.id,
      lo: r.lo,
      bits: r.bits,
      ...(exact ? { upper: r.hi } : {}),
      visibility,
    };
    b.plan.inputs.push(prim);
    cost += primConstraints(prim, n);
    env.set(input.name, { kind: "signal", q });
  }
  if ((opts.visibility.param ?? "fixed") !== "fixed")
    for (const [name, t] of weightInitializers(graph)) {
      const prim = paramInput(b, name, t, opts.paramScale);
      b.plan.inputs.push(prim);
      cost += primConstraints(prim, numel(t.shape));
      env.set(name, { kind: "signal", q: b.plan.tensors[prim.out] as QTensor });
    }
  if (opts.maxConstraints !== undefined && cost > opts.maxConstraints)
    fail(
      "too-large",
      `the range checks of the inputs${b.plan.inputs.some((p) => p.param) ? " and weights" : ""} alone cost ${cost.toLocaleString("en-US")} constraints, above the limit of ${limitText(opts.maxConstraints, opts)}`,
      { hint: opts.limit?.hint ?? tooLargeHint(opts.modelPath) },
    );

  const outside = outsideSoftmax(graph, opts.softmax);
  const postprocess = new Map<string, Postprocess>();
  const intNames = new Set(graph.inputs.filter((i) => INT_TYPES.has(i.dtype)).map((i) => i.name));
  // A worklist: an expanding op (LSTM, GRU, RNN) is replaced in place by its subgraph, lowered next.
  const work = graph.nodes.map((node) => ({ node, opset: graph.opset }));
  for (let next = work.shift(); next; next = work.shift()) {
    const { node, opset } = next;
    const values = node.inputs.map((name) => (name === "" ? undefined : env.get(name)));
    const post = outside.get(node);
    const logits = values[0];
    if (post && logits?.kind === "signal") {
      // Left out of the circuit: the graph output carries the logits, decoding applies the function.
      env.set(node.outputs[0] ?? "", logits);
      postprocess.set(node.outputs[0] ?? "", post);
      continue;
    }
    const present = values.filter((v) => v !== undefined);
    if (present.length > 0 && present.every((v) => v.kind === "const")) {
      // Constant subgraphs are evaluated now (onnxruntime), whatever their op.
      const outs = await foldNode(
        node,
        values.map((v) => (v?.kind === "const" ? v.t : undefined)),
        opset,
      );
      outs.forEach((t, i) => {
        const name = node.outputs[i];
        if (name) env.set(name, { kind: "const", t });
      });
      continue;
    }
    const op = OPS.get(node.opType);
    if (!op) fail("bug", `op ${node.opType} passed the rewrite check but has no lowering`);
    const ctx = new LowerCtx(b, node, values, opts, opset, integerTyped(node, intNames, env));
    if ("expand" in op) {
      const sub = atNode(node, () => op.expand(ctx));
      const own = new Set(node.outputs);
      const clash = [...sub.constants.keys(), ...sub.nodes.flatMap((n) => n.outputs)].find(
        (name) => !own.has(name) && env.has(name),
      );
      if (clash !== undefined)
        fail("bad-onnx", `the unrolled ${node.opType} would reuse the name "${clash}" of another tensor`, {
          node: nodeRef(node),
          hint: "rename the node or that tensor",
        });
      for (const [name, t] of sub.constants) env.set(name, { kind: "const", t });
      work.unshift(...sub.nodes.map((n) => ({ node: n, opset: EXPANSION_OPSET })));
      continue;
    }
    if (ctx.integerTyped) for (const o of node.outputs) intNames.add(o);
    const outs = atNode(node, () => op.lower(ctx));
    const own = ctx.prims.reduce((s, p) => s + primConstraints(p, b.plan.tensors[p.out]?.lo.length ?? 0), 0);
    cost += own;
    // Only a node that costs something can cross the limit (the inputs were checked above).
    if (opts.maxConstraints !== undefined && cost > opts.maxConstraints)
      fail(
        "too-large",
        `at this node the circuit passes the limit of ${limitText(opts.maxConstraints, opts)}: the node costs ${own.toLocaleString("en-US")}, about ${cost.toLocaleString("en-US")} so far`,
        { node: nodeRef(node), hint: opts.limit?.hint ?? tooLargeHint(opts.modelPath) },
      );
    outs.forEach((v, i) => {
      const name = node.outputs[i];
      if (name) env.set(name, v);
    });
    b.plan.nodes.push(
      ctx.finish(
        values.map((v) => (v === undefined ? [] : v.kind === "const" ? v.t.shape : v.q.shape)),
        outs,
      ),
    );
  }

  for (const o of graph.outputs) {
    const v = env.get(o.name);
    if (!v) fail("bad-onnx", `graph output "${o.name}" is never computed`);
    if (v.kind === "const") {
      fail("unsupported-op", `graph output "${o.name}" is a constant: it does not depend on the input`);
    }
    const post = postprocess.get(o.name);
    b.plan.outputs.push({
      onnxName: o.name,
      tensor: v.q.id,
      shape: v.q.shape,
      ...(post ? { postprocess: post } : {}),
      ...(opts.visibility.output === "hashed" ? { hashed: true as const } : {}),
    });
  }
  commitments(b, graph.nodes.length, opts.visibility);
  fuseAffine(b.plan);
  return b.plan;
}

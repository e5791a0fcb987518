/**
 * Scope of one ONNX node test (scope.ts says what is measured): which inputs the harness binds as
 * initializers, which op the test is about, and whether it is in scope, with the reason when it is not.
 */
import { decodeTensor, toNumber } from "../src/1-decode/tensor.js";
import type { ModelProto, NodeTest } from "./node-test.js";
import { OP_SCOPE, OUT_OF_SCOPE_DTYPES } from "./scope.js";

export interface Classification {
  /** The operator the test is about (per-op table key). */
  op: string;
  /** Every op type in the model (sorted). */
  ops: string[];
  /** Graph inputs to bind as initializers. */
  bind: string[];
  /** Why the test is out of scope; undefined when in scope. */
  outOfScope?: string;
}

type IAttribute = import("onnx-proto").onnx.IAttributeProto;
type ITensor = import("onnx-proto").onnx.ITensorProto;
type IValueInfo = import("onnx-proto").onnx.IValueInfoProto;

function attrValue(a: IAttribute): string | number | undefined {
  if (a.s && a.s.length > 0) return new TextDecoder().decode(a.s);
  if (a.i !== null && a.i !== undefined) return toNumber(a.i);
  return undefined;
}

/** The first out-of-scope element type among the model's values, initializers, attributes and test data. */
function badDtype(t: NodeTest): string | undefined {
  const g = t.model.graph;
  const types: number[] = [];
  const values: IValueInfo[] = [...(g?.input ?? []), ...(g?.output ?? []), ...(g?.valueInfo ?? [])];
  for (const v of values) {
    const tp = v.type;
    if (!tp?.tensorType) {
      const kind = tp?.sequenceType
        ? "sequence"
        : tp?.optionalType
          ? "optional"
          : tp?.mapType
            ? "map"
            : "non-tensor";
      return `${kind} type (value "${v.name}")`;
    }
    types.push(tp.tensorType.elemType ?? 0);
  }
  const tensors: ITensor[] = [
    ...(g?.initializer ?? []),
    ...t.inputs.map((i) => i.tensor),
    ...t.outputs.map((o) => o.tensor),
  ];
  for (const n of g?.node ?? []) {
    for (const a of n.attribute ?? []) {
      if (a.t) tensors.push(a.t);
      // Cast's `to`, EyeLike/RandomX's `dtype`: the type the node produces.
      if (["to", "dtype", "output_datatype"].includes(a.name ?? "")) types.push(toNumber(a.i));
      if (a.g) return `subgraph attribute "${a.name}" of ${n.opType}`;
    }
  }
  for (const x of tensors) types.push(x.dataType ?? 0);
  const bad = types.find((d) => OUT_OF_SCOPE_DTYPES.has(d));
  return bad === undefined ? undefined : `element type ${OUT_OF_SCOPE_DTYPES.get(bad)}`;
}

function nonFinite(t: NodeTest): boolean {
  const check = (x: ITensor): boolean => {
    try {
      return decodeTensor(x).data.some((v) => !Number.isFinite(v));
    } catch {
      return false; // an element type zkmlc cannot decode: the compile step reports it
    }
  };
  return [...t.inputs.map((i) => i.tensor), ...t.outputs.map((o) => o.tensor)].some(check);
}

/** The op a test is about: its only op, else its non-expanded sibling's, else the longest name match. */
export function primaryOp(name: string, ops: string[], siblingOps?: string[]): string {
  const own = ops.filter((o) => o !== "Constant");
  if (own.length === 1) return own[0] as string;
  const sib = siblingOps?.filter((o) => o !== "Constant");
  if (sib?.length === 1) return sib[0] as string;
  const key = name
    .replace(/^test_/, "")
    .replaceAll("_", "")
    .toLowerCase();
  const cands = [...new Set([...own, ...OP_SCOPE.keys()])].filter((o) => key.startsWith(o.toLowerCase()));
  cands.sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  return cands[0] ?? own[0] ?? ops[0] ?? "?";
}

export function opsOf(model: ModelProto): string[] {
  return [
    ...new Set(
      (model.graph?.node ?? []).map(
        (n) => (n.domain && n.domain !== "ai.onnx" ? `${n.domain}.` : "") + (n.opType ?? ""),
      ),
    ),
  ].sort();
}

export function classify(t: NodeTest, siblingOps?: string[]): Classification {
  const g = t.model.graph;
  const nodes = g?.node ?? [];
  const ops = opsOf(t.model);
  const op = primaryOp(t.name, ops, siblingOps);
  const dataNames = new Set(t.inputs.map((i) => i.name));
  const bind = new Set<string>();
  for (const n of nodes) {
    const s = OP_SCOPE.get(n.opType ?? "");
    for (const i of s?.constInputs ?? []) {
      const name = n.input?.[i];
      if (name && dataNames.has(name)) bind.add(name);
    }
  }
  const result = (outOfScope?: string): Classification => ({
    op,
    ops,
    bind: [...bind].sort(),
    ...(outOfScope ? { outOfScope } : {}),
  });
  const dtype = badDtype(t);
  if (dtype) return result(dtype);
  if (!OP_SCOPE.has(op))
    return result(`a test of ${op}, which is not in scope (not in issue 3's list nor supported)`);

  // Constant propagation: nodes whose inputs are all constants are folded at compile time.
  const known = new Set<string>([...(g?.initializer ?? []).map((x) => x.name ?? ""), ...bind]);
  for (const n of nodes) {
    const opType = n.opType ?? "";
    const ins = (n.input ?? []).filter((i) => i !== "");
    const folded = opType === "Constant" || (ins.length > 0 && ins.every((i) => known.has(i)));
    if (folded || opType === "Shape" || opType === "Size") {
      for (const o of n.output ?? []) known.add(o);
      continue;
    }
    const foreign = n.domain && n.domain !== "ai.onnx";
    const where = foreign ? `${n.domain}.${opType}` : opType;
    const s = foreign ? undefined : OP_SCOPE.get(opType);
    if (!s) return result(`op ${where} is not in scope (not in issue 3's list nor supported)`);
    if (s.compileTimeOnly) return result(`${where} of a non-constant tensor (issue 3: compile-time only)`);
    const attrs = new Map<string, string | number>();
    for (const a of n.attribute ?? []) {
      const v = attrValue(a);
      if (v !== undefined) attrs.set(a.name ?? "", v);
    }
    const why = s.outOfScope?.(attrs);
    if (why) return result(why);
  }
  if ((g?.output ?? []).some((o) => known.has(o.name ?? "")))
    return result("the output does not depend on the input (compile-time evaluation only: nothing to prove)");
  if (nonFinite(t)) return result("NaN or infinity in the test data (fixed point has neither)");
  return result();
}

/**
 * Deterministic ONNX mutations: case `id` always gives the same seed model, mutation kinds and bytes, so
 * any failure is reproduced by `materialize(planCase(id))`. Byte-level mutations (flips, truncations,
 * inserted and deleted bytes) and structure-aware ones (decode with onnx-proto, edit, re-encode).
 */
import { mulberry32 } from "../../examples/prng.js";
import { onnx } from "../../src/1-decode/onnx-builder.js";
import { OPS } from "../../src/3-lower/ops/registry.js";
import { SEEDS } from "./seeds.js";

/**
 * The model as a plain object (onnx-proto's toObject with every repeated field an array and int64s as
 * numbers), so mutations can set any value; fromObject and encode turn it back into bytes.
 */
interface Dim {
  dimValue?: number | null;
  dimParam?: string | null;
}
interface Value {
  name: string;
  type?: { tensorType?: { elemType?: number; shape?: { dim: Dim[] } | null }; sequenceType?: object } | null;
}
interface Attr {
  name: string;
  type?: number;
  i?: number;
  f?: number;
  ints?: number[];
  floats?: number[];
  s?: Uint8Array;
}
interface Node {
  input: string[];
  output: string[];
  name?: string;
  opType: string;
  domain?: string;
  attribute: Attr[];
}
interface Tensor {
  name: string;
  dims: number[];
  dataType?: number;
  rawData?: Uint8Array;
  floatData?: number[];
  int64Data?: number[];
  int32Data?: number[];
  dataLocation?: number;
}
interface Graph {
  node: Node[];
  initializer: Tensor[];
  input: Value[];
  output: Value[];
}
interface Model {
  irVersion?: number;
  opsetImport: { domain?: string; version?: number }[];
  graph: Graph;
}
type Rand = () => number;

const int = (r: Rand, n: number): number => Math.floor(r() * n);
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[int(r, xs.length)] as T;

/** Sizes that break things: negative, zero, huge, past 2^31 and 2^53. */
const BAD_DIMS = [-1, -7, 0, 1, 2, 3, 1000, 2 ** 31, 2 ** 40, 2 ** 52];
/** ONNX element types, valid and not (0 undefined, 8 string, 14 complex, 16 bfloat16, 99 unknown). */
const ELEM_TYPES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 17, 21, 99, -1];
const BAD_INTS = [-(2 ** 31), -3, -1, 0, 1, 2, 5, 2 ** 31 - 1, 2 ** 40];
const OP_NAMES = [...OPS.keys()];

const BYTE_KINDS = ["flip", "truncate", "insert", "delete", "splice"] as const;

function byteMutation(kind: (typeof BYTE_KINDS)[number], b: Uint8Array, r: Rand): Uint8Array {
  const at = int(r, b.length + 1);
  switch (kind) {
    case "flip": {
      const out = b.slice();
      for (let k = 1 + int(r, 8); k > 0; k--) {
        const i = int(r, out.length);
        out[i] = (out[i] as number) ^ (r() < 0.5 ? 1 << int(r, 8) : int(r, 256));
      }
      return out;
    }
    case "truncate":
      return b.slice(0, int(r, b.length));
    case "insert":
      return Uint8Array.from([
        ...b.slice(0, at),
        ...Array.from({ length: 1 + int(r, 16) }, () => int(r, 256)),
        ...b.slice(at),
      ]);
    case "delete":
      return Uint8Array.from([...b.slice(0, at), ...b.slice(at + 1 + int(r, 32))]);
    case "splice": {
      const from = int(r, b.length);
      return Uint8Array.from([...b.slice(0, at), ...b.slice(from, from + 1 + int(r, 64)), ...b.slice(at)]);
    }
  }
}

const g = (m: Model): Graph => m.graph;
const someNode = (m: Model, r: Rand) => pick(r, g(m).node);
const someInit = (m: Model, r: Rand) => (g(m).initializer.length > 0 ? pick(r, g(m).initializer) : undefined);
const allValues = (m: Model) => [...g(m).input, ...g(m).output];
const tensorNames = (m: Model): string[] => [
  ...g(m).input.map((v) => v.name),
  ...g(m).initializer.map((t) => t.name),
  ...g(m).node.flatMap((n) => n.output),
];

/** Structure-aware mutations, each editing the decoded model in place. */
const STRUCTURE: Record<string, (m: Model, r: Rand) => void> = {
  "tensor-type": (m, r) => {
    const t = someInit(m, r);
    if (t) t.dataType = pick(r, ELEM_TYPES);
  },
  "raw-length": (m, r) => {
    const t = someInit(m, r);
    if (t?.rawData?.length)
      t.rawData =
        r() < 0.5 ? t.rawData.slice(0, int(r, t.rawData.length)) : Uint8Array.from([...t.rawData, 1, 2, 3]);
    else if (t) t.rawData = new Uint8Array(int(r, 9));
  },
  "init-dims": (m, r) => {
    const t = someInit(m, r);
    if (!t) return;
    if (r() < 0.3) t.dims = [...t.dims, pick(r, BAD_DIMS)];
    else if (t.dims.length > 0 && r() < 0.5) t.dims = t.dims.slice(1);
    else if (t.dims.length > 0) t.dims[int(r, t.dims.length)] = pick(r, BAD_DIMS);
  },
  "huge-init-tiny-data": (m, r) => {
    const t = someInit(m, r);
    if (t) t.dims = pick(r, [[2 ** 20, 2 ** 20], [2 ** 40], [2 ** 31, 2], [0]]);
  },
  "input-dims": (m, r) => {
    const tt = pick(r, g(m).input).type?.tensorType;
    if (!tt) return;
    const dims = tt.shape?.dim ?? [];
    const choice = int(r, 5);
    if (choice === 0) tt.shape = null;
    else if (choice === 1) tt.shape = { dim: [...dims, { dimValue: pick(r, BAD_DIMS) }] };
    else if (dims.length > 0) {
      const d = dims[int(r, dims.length)] as Dim;
      d.dimValue = null;
      d.dimParam = null;
      if (choice === 2) d.dimValue = pick(r, BAD_DIMS);
      else if (choice === 3) d.dimParam = pick(r, ["N", "batch_size", "seq", ""]);
    }
  },
  "absurd-input": (m, r) => {
    const tt = pick(r, g(m).input).type?.tensorType;
    if (tt)
      tt.shape = {
        dim: pick(r, [[2 ** 20, 2 ** 20], [2 ** 40], [1, 2 ** 31], [65536, 65536, 3]]).map((d) => ({
          dimValue: d,
        })),
      };
  },
  "elem-type": (m, r) => {
    const tt = pick(r, allValues(m)).type?.tensorType;
    if (tt) tt.elemType = pick(r, ELEM_TYPES);
  },
  "not-a-tensor": (m, r) => {
    const v = pick(r, allValues(m));
    v.type = r() < 0.5 ? null : { sequenceType: { elemType: { tensorType: { elemType: 1 } } } };
  },
  dangling: (m, r) => {
    const n = someNode(m, r);
    if (n.input.length > 0) n.input[int(r, n.input.length)] = `nope_${int(r, 100)}`;
  },
  "drop-attr": (m, r) => {
    const n = someNode(m, r);
    if (n.attribute.length > 0) n.attribute.splice(int(r, n.attribute.length), 1);
  },
  "attr-type": (m, r) => {
    const a = someNode(m, r).attribute;
    if (a.length === 0) return;
    const x = a[int(r, a.length)] as Attr;
    x.type = pick(r, [0, 1, 2, 3, 4, 5, 6, 7, 8, 11]);
  },
  "attr-value": (m, r) => {
    const a = someNode(m, r).attribute;
    if (a.length === 0) return;
    const x = a[int(r, a.length)] as Attr;
    x.i = pick(r, BAD_INTS);
    x.f = pick(r, [Number.NaN, Number.POSITIVE_INFINITY, -1, 0, 1e30]);
    x.ints = Array.from({ length: int(r, 6) }, () => pick(r, BAD_INTS));
    x.floats = Array.from({ length: int(r, 4) }, () => pick(r, [Number.NaN, -1, 1e30]));
    x.s = new TextEncoder().encode(pick(r, ["", "NOTSET", "SAME_UPPER", "garbage", "nearest"]));
  },
  "add-attr": (m, r) => {
    const n = someNode(m, r);
    n.attribute.push({
      name: pick(r, ["axis", "perm", "alpha", "kernel_shape", "pads", "to", "keepdims", "axes", "mode"]),
      type: pick(r, [1, 2, 3, 6, 7]),
      i: pick(r, BAD_INTS),
      f: 0.5,
      ints: [pick(r, BAD_INTS), pick(r, BAD_INTS)],
      s: new TextEncoder().encode("x"),
    });
  },
  "dup-name": (m, r) => {
    const choice = int(r, 4);
    const gr = g(m);
    if (choice === 0 && gr.node.length > 1) someNode(m, r).output[0] = pick(r, gr.node).output[0] ?? "";
    else if (choice === 1 && gr.output.length > 0) gr.output.push(pick(r, gr.output));
    else if (choice === 2 && gr.input.length > 0) gr.input.push(pick(r, gr.input));
    else if (gr.initializer.length > 0) gr.initializer.push(pick(r, gr.initializer));
  },
  cycle: (m, r) => {
    const nodes = g(m).node;
    const i = int(r, nodes.length);
    const j = i + int(r, nodes.length - i);
    const n = nodes[i];
    const later = nodes[j]?.output[0];
    if (n && later && n.input.length > 0) n.input[int(r, n.input.length)] = later;
  },
  "unknown-op": (m, r) => {
    someNode(m, r).opType = pick(r, ["FooBar", "", "relu", "Loop", "If", "Scan", "STFT", "Custom_1"]);
  },
  domain: (m, r) => {
    const d = pick(r, ["x.y", "com.microsoft", "ai.onnx.ml", "ai.onnx"]);
    someNode(m, r).domain = d;
    if (r() < 0.5) m.opsetImport.push({ domain: d, version: pick(r, [0, 1, 99]) });
  },
  opset: (m, r) => {
    const def = m.opsetImport.find((o) => !o.domain);
    const choice = int(r, 4);
    if (choice === 0) m.opsetImport = m.opsetImport.filter((o) => o !== def);
    else if (choice === 1) m.opsetImport.push({ domain: "", version: 11 });
    else if (def) def.version = pick(r, [0, 99, -1, 1, 6, 7, 10, 11, 26, 27, 2 ** 31]);
  },
  "swap-op": (m, r) => {
    someNode(m, r).opType = pick(r, OP_NAMES);
  },
  "no-outputs": (m) => {
    g(m).output = [];
  },
  "output-is-input": (m, r) => {
    someNode(m, r).output[0] = pick(r, g(m).input).name;
  },
  "drop-node": (m, r) => {
    // Keep one node: the other mutations edit nodes (an empty graph is the "truncate" kind's business).
    if (g(m).node.length > 1) g(m).node.splice(int(r, g(m).node.length), 1);
  },
  "drop-init": (m, r) => {
    if (g(m).initializer.length > 0) g(m).initializer.splice(int(r, g(m).initializer.length), 1);
  },
  reorder: (m, r) => {
    const nodes = g(m).node;
    for (let i = nodes.length - 1; i > 0; i--) {
      const j = int(r, i + 1);
      [nodes[i], nodes[j]] = [nodes[j] as Node, nodes[i] as Node];
    }
  },
  "ir-version": (m, r) => {
    m.irVersion = pick(r, [0, 1, 3, 4, 99, -1]);
  },
  "node-inputs": (m, r) => {
    const n = someNode(m, r);
    if (r() < 0.5) n.input = n.input.slice(0, int(r, n.input.length));
    else n.input.push(pick(r, [...tensorNames(m), ""]));
  },
  "node-outputs": (m, r) => {
    const n = someNode(m, r);
    n.output = r() < 0.5 ? [] : [...n.output, `extra_${int(r, 9)}`, ""];
  },
  "output-name": (m, r) => {
    const o = g(m).output;
    if (o.length > 0) pick(r, o).name = pick(r, ["missing", "", ...tensorNames(m)]);
  },
  "init-as-input": (m, r) => {
    const t = someInit(m, r);
    if (t)
      g(m).input.push({
        name: t.name,
        type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1 }] } } },
      });
  },
  "external-data": (m, r) => {
    const t = someInit(m, r);
    if (t) t.dataLocation = 1;
  },
  "empty-names": (m, r) => {
    const n = someNode(m, r);
    if (r() < 0.5) n.input = n.input.map(() => "");
    else pick(r, g(m).input).name = "";
  },
};

const UNARY = [
  "Relu",
  "Sigmoid",
  "Tanh",
  "Abs",
  "Neg",
  "Exp",
  "Log",
  "Sqrt",
  "Floor",
  "Ceil",
  "Round",
  "Sign",
  "Softplus",
  "Softsign",
  "Erf",
  "Reciprocal",
  "Sin",
  "Cos",
  "Elu",
  "Selu",
  "HardSigmoid",
  "LeakyRelu",
  "Identity",
  "Softmax",
  "LogSoftmax",
  "Not",
  "Mish",
  "HardSwish",
];
const BINARY = [
  "Add",
  "Sub",
  "Mul",
  "Div",
  "Pow",
  "Max",
  "Min",
  "Equal",
  "Less",
  "Greater",
  "And",
  "Or",
  "Xor",
  "Mod",
  "PRelu",
  "MatMul",
  "Sum",
  "Mean",
];
/** Plausible values per attribute name: the model often stays valid ONNX, so the mutation reaches lowering. */
const PLAUSIBLE: Record<string, () => number[] | number> = {};
const plausibleInt = (name: string, r: Rand): number | number[] => {
  if (/axis|axes/.test(name))
    return name === "axes" ? [pick(r, [-2, -1, 0, 1, 2, 3])] : pick(r, [-4, -2, -1, 0, 1, 2, 3, 4]);
  if (/keepdims|trans|ceil_mode|count_include_pad|select_last_index|largest|sorted|upper/.test(name))
    return pick(r, [0, 1]);
  if (/perm/.test(name))
    return pick(r, [
      [1, 0],
      [0, 2, 1],
      [3, 2, 1, 0],
      [0, 1, 3, 2],
      [0, 0],
    ]);
  if (/kernel_shape|strides|dilations/.test(name)) return [pick(r, [1, 2, 3, 5, 100]), pick(r, [1, 2, 3])];
  if (/pads/.test(name)) return Array.from({ length: 4 }, () => pick(r, [0, 1, 2, 10]));
  if (name === "to") return pick(r, [1, 2, 3, 5, 6, 7, 9, 10, 11, 12, 13]);
  return pick(r, [-1, 0, 1, 2, 3, 64]);
};
/** Extreme values for an initializer's raw data, by element type. */
function extremeRaw(t: Tensor, r: Rand): void {
  const n = t.dims.reduce((a, d) => a * d, 1);
  if (!(n > 0 && n < 1e6)) return;
  const ints = t.dataType === 7 || t.dataType === 6;
  const buf = new Uint8Array(n * (t.dataType === 7 ? 8 : 4));
  const dv = new DataView(buf.buffer);
  const v = ints
    ? pick(r, [0, -1, 2 ** 20, 2 ** 31 - 1, -(2 ** 31), 2 ** 40, 2 ** 53])
    : pick(r, [Number.NaN, Number.POSITIVE_INFINITY, -1e30, 1e30, 0, 1e-30, 65504, 3.4e38]);
  const all = r() < 0.5;
  const at = int(r, n);
  for (let i = 0; i < n; i++) {
    if (!all && i !== at) continue;
    if (t.dataType === 7) dv.setBigInt64(i * 8, BigInt(Math.trunc(v)), true);
    else if (t.dataType === 6) dv.setInt32(i * 4, v | 0, true);
    else dv.setFloat32(i * 4, v, true);
  }
  if (t.dataType !== 1 && !ints) return;
  t.rawData = buf;
  t.floatData = [];
  t.int64Data = [];
  t.int32Data = [];
}
Object.assign(STRUCTURE, {
  "init-values": (m: Model, r: Rand) => {
    const t = someInit(m, r);
    if (t) extremeRaw(t, r);
  },
  "unary-swap": (m: Model, r: Rand) => {
    const n = g(m).node.filter((x) => x.input.length === 1);
    if (n.length > 0) pick(r, n).opType = pick(r, UNARY);
  },
  "binary-swap": (m: Model, r: Rand) => {
    const n = g(m).node.filter((x) => x.input.length === 2);
    if (n.length > 0) pick(r, n).opType = pick(r, BINARY);
  },
  "attr-plausible": (m: Model, r: Rand) => {
    const a = someNode(m, r).attribute;
    if (a.length === 0) return;
    const x = a[int(r, a.length)] as Attr;
    if (x.type === 2) x.i = plausibleInt(x.name, r) as number;
    else if (x.type === 7) {
      const v = plausibleInt(x.name, r);
      x.ints = Array.isArray(v) ? v : [v];
    } else if (x.type === 1) x.f = pick(r, [0, -1, 0.5, 1e6, -1e-6]);
  },
  "input-resize": (m: Model, r: Rand) => {
    const dims = pick(r, g(m).input).type?.tensorType?.shape?.dim ?? [];
    if (dims.length > 0) {
      const d = dims[int(r, dims.length)] as Dim;
      d.dimParam = null;
      d.dimValue = pick(r, [1, 2, 3, 5, 8, 64, 4096]);
    }
  },
});
void PLAUSIBLE;
const STRUCTURE_KINDS = Object.keys(STRUCTURE);
/** Mutations that often leave valid ONNX, so the case reaches rewrite, quantization and lowering. */
const SEMANTIC_KINDS = [
  "init-values",
  "unary-swap",
  "binary-swap",
  "attr-plausible",
  "input-resize",
  "swap-op",
  "attr-value",
];

export interface OnnxCase {
  id: number;
  seed: number;
  base: string;
  /** Mutation kinds, applied in order. */
  kinds: string[];
  /** Compile options inspect runs with (scales and input range fuzzed too). */
  opts: { inputScale?: number; paramScale?: number; inputRange?: [number, number] };
}

/** The seed and mutation kinds of case `id` (cheap: nothing is decoded). */
export function planCase(id: number): OnnxCase {
  const seed = (Math.imul(id + 1, 0x9e3779b1) ^ 0x5bd1e995) >>> 0;
  const r = mulberry32(seed);
  const total = SEEDS.reduce((s, x) => s + x.weight, 0);
  const w = r() * total;
  let acc = 0;
  const base =
    SEEDS.find((s) => {
      acc += s.weight;
      return w < acc;
    }) ?? (SEEDS[0] as (typeof SEEDS)[number]);
  const which = r();
  const kinds =
    which < 0.25
      ? Array.from({ length: 1 + int(r, 2) }, () => pick(r, BYTE_KINDS))
      : Array.from({ length: 1 + int(r, 3) }, () => pick(r, which < 0.6 ? STRUCTURE_KINDS : SEMANTIC_KINDS));
  const opts: OnnxCase["opts"] = {};
  if (r() < 0.25) opts.inputScale = pick(r, [0, 1, 16, 30, 60]);
  if (r() < 0.25) opts.paramScale = pick(r, [0, 1, 20, 40, 60]);
  if (r() < 0.25)
    opts.inputRange = pick(r, [
      [0, 0],
      [-1e6, 1e6],
      [-1e15, 1e15],
      [1e-9, 2e-9],
      [-3, -2],
    ] as [number, number][]);
  return { id, seed, base: base.name, kinds, opts };
}

const seedBytes = new Map<string, Uint8Array>();

/** The mutated model bytes of a case. */
export function materialize(c: OnnxCase): Uint8Array {
  const r = mulberry32(c.seed ^ 0x2545f491);
  const seed = SEEDS.find((s) => s.name === c.base);
  if (!seed) throw new Error(`no seed model ${c.base}`);
  let bytes = seedBytes.get(c.base);
  if (!bytes) {
    bytes = seed.bytes();
    seedBytes.set(c.base, bytes);
  }
  if (BYTE_KINDS.includes(c.kinds[0] as (typeof BYTE_KINDS)[number])) {
    for (const k of c.kinds) bytes = byteMutation(k as (typeof BYTE_KINDS)[number], bytes, r);
    return bytes;
  }
  const m = onnx.ModelProto.toObject(onnx.ModelProto.decode(bytes), { longs: Number, arrays: true }) as Model;
  for (const k of c.kinds) STRUCTURE[k]?.(m, r);
  return onnx.ModelProto.encode(onnx.ModelProto.fromObject(m)).finish();
}

export const describeCase = (c: OnnxCase): string =>
  `onnx case ${c.id} (seed ${c.seed}, ${c.base}: ${c.kinds.join(" + ")}${Object.keys(c.opts).length > 0 ? `; options ${JSON.stringify(c.opts)}` : ""})`;

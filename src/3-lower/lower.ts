import type { AttrValue, ConstTensor, GraphNode } from "../1-decode/graph.js";
import { nodeRef, numel } from "../1-decode/graph.js";
import { type ErrorCode, fail } from "../errors.js";
import type { AffinePrim, Plan, PlannedNode, Prim, QTensor } from "./ir.js";
import { quantizeArray } from "./quantize-value.js";
import { bitsSigned, rescaleRelu, roundShift } from "./rounding.js";

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A value flowing through the graph at compile time: a constant, or a tensor of circuit signals. */
export type Value = { kind: "const"; t: ConstTensor } | { kind: "signal"; q: QTensor };

/** Field-safety limit: bit decompositions must stay ≤ 252 bits so they cannot alias modulo p. */
export const MAX_BITS = 252;
/**
 * Most terms (output element × input element pairs) one linear map may hold: each is a term of the
 * circuit's linear combinations. Far below this the r1cs is beyond circom (DESIGN.md §7), and above it
 * the term lists alone would take gigabytes to build.
 */
export const MAX_TERMS = 2 ** 24;
/** A signal tensor wider than this is brought back to the working scale before feeding a linear op. */
export const RESCALE_BEFORE_LINEAR_BITS = 128;

export interface QuantScales {
  /** Scale of the model inputs and of every activation after a rescale (the working scale). */
  inputScale: number;
  /** Scale of weights (multiplicative constants). */
  paramScale: number;
}

/** Builds the plan; owns tensor ids. Shared by all nodes of one graph. */
export class PlanBuilder {
  readonly plan: Plan = { tensors: [], inputs: [], nodes: [], outputs: [] };
  /** Tensors shared between nodes by key (see LowerCtx.shared). */
  readonly memo = new Map<string, QTensor>();

  newTensor(t: Omit<QTensor, "id">): QTensor {
    const q = { ...t, id: this.plan.tensors.length };
    this.plan.tensors.push(q);
    return q;
  }
}

/** What an op's lowering function sees: its node, resolved inputs, attributes and prim builders. */
export class LowerCtx {
  readonly prims: Prim[] = [];

  constructor(
    private readonly builder: PlanBuilder,
    readonly node: GraphNode,
    private readonly values: (Value | undefined)[],
    readonly scales: QuantScales,
    /** Opset of the graph's default domain (attribute semantics change across opsets, e.g. Softmax's axis). */
    readonly opset = 22,
    /** The node computes on integer-typed tensors (see quantize.ts integerTyped). */
    readonly integerTyped = false,
  ) {}

  get workScale(): number {
    return this.scales.inputScale;
  }

  error(code: ErrorCode, message: string, hint?: string): never {
    fail(code, message, { node: nodeRef(this.node), hint });
  }

  /** Refuse (too-large) a linear map of more than MAX_TERMS terms, before its rows are built. */
  checkTerms(count: number, what: string): void {
    if (count > MAX_TERMS)
      this.error(
        "too-large",
        `${what} sums ${count.toLocaleString("en-US")} terms (output elements × the elements each sums), above the ${MAX_TERMS.toLocaleString("en-US")} zkmlc compiles`,
        "a circuit this large cannot be proven; check the input shape (--input-shape) and the layer sizes",
      );
  }

  get inputCount(): number {
    return this.values.length;
  }

  /** Input i, or undefined when absent (optional ONNX inputs are given as ""). */
  input(i: number): Value | undefined {
    return this.values[i];
  }

  required(i: number): Value {
    const v = this.values[i];
    if (!v) this.error("bad-onnx", `input ${i} is required but missing`);
    return v;
  }

  shapeOf(i: number): number[] {
    const v = this.required(i);
    return v.kind === "const" ? v.t.shape : v.q.shape;
  }

  constant(i: number, what: string): ConstTensor {
    const v = this.required(i);
    if (v.kind !== "const") {
      this.error(
        "unsupported-op",
        `${what} (input ${i}) must be a compile-time constant`,
        "zkmlc needs this input to be an initializer or computed from constants only",
      );
    }
    return v.t;
  }

  /** Signal input i; one wider than RESCALE_BEFORE_LINEAR_BITS comes back rescaled to the working scale. */
  signal(i: number): QTensor {
    const v = this.required(i);
    if (v.kind !== "signal") this.error("bug", `input ${i} is a constant where a signal was expected`);
    const q = v.q;
    const wide = q.lo.some((lo, j) => bitsSigned(lo, q.hi[j] as bigint) > RESCALE_BEFORE_LINEAR_BITS);
    return wide && q.scale > this.workScale
      ? this.rescale(q, q.scale - this.workScale, false, q.onnxName)
      : q;
  }

  // ---- attributes, with ONNX defaults supplied by the op ----
  private attr(name: string): AttrValue | undefined {
    return this.node.attrs.get(name);
  }

  int(name: string, def: number): number {
    const a = this.attr(name);
    if (a === undefined) return def;
    if (a.type !== "int") this.error("bad-attribute", `attribute ${name} should be an int, got ${a.type}`);
    return a.value;
  }

  float(name: string, def: number): number {
    const a = this.attr(name);
    if (a === undefined) return def;
    if (a.type !== "float" && a.type !== "int")
      this.error("bad-attribute", `attribute ${name} should be a float, got ${a.type}`);
    return a.value;
  }

  ints(name: string, def: number[] | undefined): number[] | undefined {
    const a = this.attr(name);
    if (a === undefined) return def;
    if (a.type !== "ints")
      this.error("bad-attribute", `attribute ${name} should be a list of ints, got ${a.type}`);
    return a.value;
  }

  floats(name: string, def: number[] | undefined): number[] | undefined {
    const a = this.attr(name);
    if (a === undefined) return def;
    if (a.type !== "floats")
      this.error("bad-attribute", `attribute ${name} should be a list of floats, got ${a.type}`);
    return a.value;
  }

  string(name: string, def: string): string {
    const a = this.attr(name);
    if (a === undefined) return def;
    if (a.type !== "string")
      this.error("bad-attribute", `attribute ${name} should be a string, got ${a.type}`);
    return a.value;
  }

  strings(name: string, def: string[] | undefined): string[] | undefined {
    const a = this.attr(name);
    if (a === undefined) return def;
    if (a.type !== "strings")
      this.error("bad-attribute", `attribute ${name} should be a list of strings, got ${a.type}`);
    return a.value;
  }

  attrTensor(name: string): ConstTensor | undefined {
    const a = this.attr(name);
    if (a === undefined) return undefined;
    if (a.type !== "tensor")
      this.error("bad-attribute", `attribute ${name} should be a tensor, got ${a.type}`);
    return a.value;
  }

  /** Reject attributes the op does not implement when they are set to anything but their default. */
  rejectAttr(name: string, allowed: (a: AttrValue) => boolean, why: string): void {
    const a = this.attr(name);
    if (a !== undefined && !allowed(a))
      this.error("bad-attribute", `attribute ${name}=${JSON.stringify(a.value)} is not supported: ${why}`);
  }

  // ---- quantization helpers ----
  quantize(t: ConstTensor, scale: number, what: string): { q: bigint[]; err: Float64Array } {
    return quantizeArray(t.data, scale, what, nodeRef(this.node));
  }

  /** Largest |real value| element j can take (bound plus error), for error propagation. */
  static magnitude(q: QTensor, j: number): number {
    const m = Math.max(Math.abs(Number(q.lo[j])), Math.abs(Number(q.hi[j])));
    return m / 2 ** q.scale + (q.err[j] as number);
  }

  // ---- prim builders ----

  /**
   * A constant-coefficient affine map over the concatenation of `ins`. `extraErr[i]` is the error the
   * op's constant quantization adds to output i (weights and bias), in real units.
   */
  affine(
    onnxName: string,
    shape: number[],
    ins: QTensor[],
    rows: AffinePrim["rows"],
    bias: bigint[],
    scale: number,
    extraErr?: Float64Array,
  ): QTensor {
    const src: { q: QTensor; j: number }[] = [];
    for (const q of ins) for (let j = 0; j < q.lo.length; j++) src.push({ q, j });
    const n = rows.length;
    if (n !== numel(shape) || bias.length !== n)
      this.error("bug", "affine rows do not match the output shape");
    const lo: bigint[] = new Array(n);
    const hi: bigint[] = new Array(n);
    const err = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const row = rows[i] as AffinePrim["rows"][number];
      let l = bias[i] as bigint;
      let h = l;
      let e = extraErr ? (extraErr[i] as number) : 0;
      for (let t = 0; t < row.idx.length; t++) {
        const c = row.coef[t] as bigint;
        if (c === 0n) continue;
        const s = src[row.idx[t] as number];
        if (!s) this.error("bug", "affine index out of range");
        const xl = s.q.lo[s.j] as bigint;
        const xh = s.q.hi[s.j] as bigint;
        if (c > 0n) {
          l += c * xl;
          h += c * xh;
        } else {
          l += c * xh;
          h += c * xl;
        }
        e += Math.abs(Number(c)) * 2 ** (s.q.scale - scale) * (s.q.err[s.j] as number);
      }
      if (bitsSigned(l, h) > MAX_BITS) {
        this.error(
          "field-overflow",
          `output element ${i} can reach ${bitsSigned(l, h)} bits, beyond the ${MAX_BITS}-bit field-safe limit`,
          "lower --param-scale or --input-scale, or narrow the calibrated input range",
        );
      }
      lo[i] = l;
      hi[i] = h;
      err[i] = e;
    }
    const out = this.builder.newTensor({ onnxName, shape, scale, lo, hi, err });
    this.prims.push({ kind: "affine", out: out.id, ins: ins.map((q) => q.id), rows, bias });
    return out;
  }

  /** Divide by 2^k with rounding (half away from zero), optionally fused with ReLU. */
  rescale(x: QTensor, k: number, relu: boolean, onnxName: string): QTensor {
    const h = k > 0 ? 1n << BigInt(k - 1) : 0n;
    const f = relu ? rescaleRelu : roundShift;
    // The templates need N >= k + 2 (a sign bit above the k remainder bits); a wider N is still sound.
    const bits = x.lo.map((lo, j) =>
      Math.max(k + 2, relu ? bitsSigned(lo + h, (x.hi[j] as bigint) + h) : bitsSigned(lo, x.hi[j] as bigint)),
    );
    for (const b of bits) {
      if (b > MAX_BITS)
        this.error("field-overflow", `a rescale needs a ${b}-bit decomposition, beyond ${MAX_BITS}`);
    }
    if (!relu && k === 0) return x;
    const scale = x.scale - k;
    const rounding = k > 0 ? 2 ** -(scale + 1) : 0;
    const out = this.builder.newTensor({
      onnxName,
      shape: x.shape,
      scale,
      lo: x.lo.map((v) => f(v, k)),
      hi: x.hi.map((v) => f(v, k)),
      err: x.err.map((e) => e + rounding),
    });
    this.prims.push({
      kind: "rescale",
      out: out.id,
      in: x.id,
      k,
      relu,
      bits,
    });
    return out;
  }

  /** Register a signal tensor and the prim that computes it (the builders in ./prims/ use this). */
  addPrim(prim: DistributiveOmit<Prim, "out">, t: Omit<QTensor, "id">): QTensor {
    for (const [j, l] of t.lo.entries()) {
      if (bitsSigned(l, t.hi[j] as bigint) > MAX_BITS)
        this.error(
          "field-overflow",
          `an intermediate value of ${prim.kind} can reach ${bitsSigned(l, t.hi[j] as bigint)} bits, beyond ${MAX_BITS}`,
          "lower --param-scale or --input-scale, or narrow the calibrated input range",
        );
    }
    const out = this.builder.newTensor(t);
    this.prims.push({ ...prim, out: out.id } as Prim);
    return out;
  }

  /** A new tensor from constant-coefficient rows over `ins` at the same scale as the first input (wiring). */
  gather(x: QTensor[], src: Int32Array, shape: number[], onnxName?: string): QTensor {
    const rows = Array.from(src, (j) => ({ idx: Int32Array.of(j), coef: [1n] }));
    const scale = x[0]?.scale ?? this.workScale;
    if (x.some((q) => q.scale !== scale)) this.error("bug", "gather inputs must share a scale");
    return this.affine(
      onnxName ?? this.node.outputs[0] ?? "",
      shape,
      x,
      rows,
      new Array(src.length).fill(0n),
      scale,
    );
  }

  /**
   * The tensor built for `key` by an earlier node, or `make()`'s: one circuit value read by several nodes
   * (a one-hot of an index that selects from several tables).
   */
  shared(key: string, make: () => QTensor): QTensor {
    const hit = this.builder.memo.get(key);
    if (hit) return hit;
    const q = make();
    this.builder.memo.set(key, q);
    return q;
  }

  /** The same signals seen with another shape (Reshape, Flatten, Identity): no circuit cost. */
  alias(x: QTensor, shape: number[]): QTensor {
    if (numel(shape) !== numel(x.shape)) this.error("bad-shape", `cannot view [${x.shape}] as [${shape}]`);
    return { ...x, shape };
  }

  finish(inputShapes: number[][], outputs: Value[]): PlannedNode {
    return {
      node: nodeRef(this.node),
      inputShapes,
      outputShapes: outputs.map((v) => (v.kind === "const" ? v.t.shape : v.q.shape)),
      prims: this.prims,
    };
  }
}

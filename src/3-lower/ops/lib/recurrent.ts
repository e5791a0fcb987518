import type { AttrValue, ConstTensor, DType, GraphNode } from "../../../1-decode/graph.js";
import type { LowerCtx } from "../../lower.js";
import type { Expansion } from "../op.js";

/**
 * The recurrent ops (RNN, GRU, LSTM) unrolled over the sequence into ops zkmlc already lowers: per step,
 * x_t·Wᵀ and h·Rᵀ are Gemms (free with constant weights), the gates are the existing activation ops, and
 * the state updates cost one product per element (Mul). Unrolling needs the sequence length, known once
 * the input shapes are, so the node is expanded during quantization (op.ts ExpandingOp) rather than as a
 * graph rewrite. Semantics follow the ONNX spec and onnxruntime's CPU kernels: layout, direction
 * (forward, reverse, bidirectional), clip on every gate's pre-activation, activation lists with their
 * alpha/beta consumed in order, and constant sequence_lens (a step past a batch entry's length keeps
 * its state and outputs zeros; a length of 0 gives a zero final state).
 */

/** The ops unrolled here (compile picks circom's optimization level by them: systems.ts). */
export const RECURRENT_OPS: ReadonlySet<string> = new Set(["LSTM", "GRU", "RNN"]);

/** Builds a subgraph whose nodes and constants are named under the recurrent node. */
export class Subgraph {
  readonly nodes: GraphNode[] = [];
  readonly constants = new Map<string, ConstTensor>();
  private readonly prefix: string;

  constructor(private readonly parent: GraphNode) {
    this.prefix = parent.name || `${parent.opType}#${parent.index}`;
  }

  /** One node; returns its output: `out` when given (one of the parent's outputs), else prefix/label. */
  op(
    opType: string,
    inputs: string[],
    label: string,
    attrs: Record<string, AttrValue> = {},
    out?: string,
  ): string {
    const name = `${this.prefix}/${label}`;
    const output = out ?? name;
    this.nodes.push({
      index: this.parent.index,
      name,
      opType,
      domain: "",
      inputs,
      outputs: [output],
      attrs: new Map(Object.entries(attrs)),
    });
    return output;
  }

  /** A constant, created once per label. */
  constant(label: string, dtype: DType, shape: number[], data: ArrayLike<number>): string {
    const name = `${this.prefix}/${label}`;
    if (!this.constants.has(name)) this.constants.set(name, { dtype, shape, data: Float64Array.from(data) });
    return name;
  }

  ints(values: number[]): string {
    return this.constant(`[${values.join(",")}]`, "int64", [values.length], values);
  }

  real(v: number): string {
    return this.constant(`${v}`, "float32", [], [v]);
  }

  /** Element `i` of axis 0, that axis dropped. */
  pick(x: string, i: number, label: string): string {
    return this.op("Gather", [x, this.constant(`#${i}`, "int64", [], [i])], label, { axis: int(0) });
  }

  /** Elements [from, to) of `axis`. */
  slice(x: string, axis: number, from: number, to: number, label: string): string {
    return this.op("Slice", [x, this.ints([from]), this.ints([to]), this.ints([axis])], label);
  }

  /** Concatenation along `axis`; a single part is passed through (renamed when `out` is given). */
  concat(parts: string[], axis: number, label: string, out?: string): string {
    if (parts.length > 1) return this.op("Concat", parts, label, { axis: int(axis) }, out);
    const [only] = parts as [string];
    return out === undefined ? only : this.op("Identity", [only], label, {}, out);
  }

  finish(): Expansion {
    return { nodes: this.nodes, constants: this.constants };
  }
}

export const int = (value: number): AttrValue => ({ type: "int", value });
const float = (value: number): AttrValue => ({ type: "float", value });

/** One entry of the `activations` attribute with the alpha and beta it takes. */
interface Activation {
  key: string;
  alpha: number;
  beta: number;
}

/** Activations the recurrent ops allow: whether each consumes an alpha and a beta, and their defaults. */
const ACTIVATIONS: Record<string, { alpha?: number; beta?: number }> = {
  relu: {},
  tanh: {},
  sigmoid: {},
  softsign: {},
  softplus: {},
  leakyrelu: { alpha: 0.01 },
  thresholdedrelu: { alpha: 1 },
  elu: { alpha: 1 },
  hardsigmoid: { alpha: 0.2, beta: 0.5 },
  affine: { alpha: 1, beta: 0 },
  scaledtanh: { alpha: 1, beta: 1 },
};

/** The activations of each direction; alpha and beta values are consumed in order by those that take one. */
function activations(ctx: LowerCtx, defaults: string[], nd: number): Activation[][] {
  let names = ctx.strings("activations", undefined) ?? Array.from({ length: nd }, () => defaults).flat();
  // onnxruntime accepts one direction's list for a bidirectional node and uses it for both.
  if (nd === 2 && names.length === defaults.length) names = [...names, ...names];
  if (names.length !== defaults.length * nd)
    ctx.error(
      "bad-attribute",
      `activations lists ${names.length} functions; ${ctx.node.opType} with ${nd} direction(s) takes ${defaults.length * nd}`,
    );
  const alphas = ctx.floats("activation_alpha", []) ?? [];
  const betas = ctx.floats("activation_beta", []) ?? [];
  let [ai, bi] = [0, 0];
  const parsed = names.map((name) => {
    const key = name.toLowerCase();
    const spec = ACTIVATIONS[key];
    if (!spec)
      ctx.error(
        "bad-attribute",
        `activation ${JSON.stringify(name)} is not one ONNX defines for recurrent ops`,
        `use one of ${Object.keys(ACTIVATIONS).join(", ")}`,
      );
    const alpha = spec.alpha === undefined ? 0 : ai < alphas.length ? (alphas[ai++] as number) : spec.alpha;
    const beta = spec.beta === undefined ? 0 : bi < betas.length ? (betas[bi++] as number) : spec.beta;
    return { key, alpha, beta };
  });
  return Array.from({ length: nd }, (_, d) => parsed.slice(d * defaults.length, (d + 1) * defaults.length));
}

const SIMPLE: Record<string, string> = {
  relu: "Relu",
  tanh: "Tanh",
  sigmoid: "Sigmoid",
  softsign: "Softsign",
  softplus: "Softplus",
};

function applyActivation(sub: Subgraph, a: Activation, x: string, label: string): string {
  const simple = SIMPLE[a.key];
  if (simple) return sub.op(simple, [x], label);
  switch (a.key) {
    case "leakyrelu":
      return sub.op("LeakyRelu", [x], label, { alpha: float(a.alpha) });
    case "elu":
      return sub.op("Elu", [x], label, { alpha: float(a.alpha) });
    case "hardsigmoid":
      return sub.op("HardSigmoid", [x], label, { alpha: float(a.alpha), beta: float(a.beta) });
    case "thresholdedrelu": {
      const above = sub.op("Greater", [x, sub.real(a.alpha)], `${label}/above`);
      return sub.op("Where", [above, x, sub.real(0)], label);
    }
    case "affine": {
      const ax = sub.op("Mul", [x, sub.real(a.alpha)], `${label}/scaled`);
      return sub.op("Add", [ax, sub.real(a.beta)], label);
    }
    default: {
      // scaledtanh: alpha·tanh(beta·x)
      const bx = sub.op("Mul", [x, sub.real(a.beta)], `${label}/scaled`);
      const t = sub.op("Tanh", [bx], `${label}/tanh`);
      return sub.op("Mul", [t, sub.real(a.alpha)], label);
    }
  }
}

/** What a cell sees at one time step of one direction. */
export interface Step {
  sub: Subgraph;
  /** Label prefix of this step's nodes, e.g. "t3/" or "bwd/t3/". */
  at: string;
  /** Input `i` of the node for this direction (axis 0 picked; gate g's columns when given), or undefined. */
  input(i: number, what: string, g?: number): string | undefined;
  /** Columns of gate g in a [batch, gates·hidden] or [gates·hidden] tensor. */
  gateOf(x: string, g: number, label: string): string;
  /** x_t·W_gᵀ + Wb_g. */
  xw(g: number): string;
  /** h·R_gᵀ + Rb_g; `h` defaults to the previous hidden state (then shared by all gates). */
  hr(g: number, h?: string): string;
  /** Activation k of this direction. */
  activate(k: number, x: string, label: string): string;
  /** x clipped to [-clip, clip] when the clip attribute is set (gate pre-activations). */
  clip(x: string, label: string): string;
  /** activation k of clip(xw(g) + hr(g) + extra). */
  gate(g: number, k: number, extra?: string): string;
  /** The state entering the step: [h] or [h, c]. */
  state: string[];
}

export interface RecurrentSpec {
  /** One letter per gate, in the order of W's rows (LSTM "iofc", GRU "zrh", RNN "i"). */
  gates: string;
  /** Default activations of one direction. */
  activations: string[];
  /** States carried across steps: 1 (h) or 2 (h, c); state k's initial value is input 5 + k, its final value output 1 + k. */
  states: number;
  /** One step: the new states, the hidden state first. */
  cell(step: Step): string[];
}

/** Expands an RNN/GRU/LSTM node (inputs X, W, R, B, sequence_lens, initial states) by unrolling it. */
export function unroll(ctx: LowerCtx, spec: RecurrentSpec): Expansion {
  const sub = new Subgraph(ctx.node);
  const G = spec.gates.length;
  const layout = ctx.int("layout", 0);
  if (layout !== 0 && layout !== 1) ctx.error("bad-attribute", `layout=${layout} is not 0 or 1`);
  const direction = ctx.string("direction", "forward");
  if (!["forward", "reverse", "bidirectional"].includes(direction))
    ctx.error(
      "bad-attribute",
      `direction=${JSON.stringify(direction)} is not forward, reverse or bidirectional`,
    );
  const nd = direction === "bidirectional" ? 2 : 1;

  const xShape = ctx.shapeOf(0);
  if (xShape.length !== 3) ctx.error("bad-shape", `X must be 3-D, got [${xShape}]`);
  const [S, batch, I] = (layout === 1 ? [xShape[1], xShape[0], xShape[2]] : xShape) as [
    number,
    number,
    number,
  ];
  const rShape = ctx.shapeOf(2);
  const H = ctx.int("hidden_size", rShape[2] ?? 0);
  const expect = (i: number, what: string, want: number[]) => {
    const got = ctx.shapeOf(i);
    if (got.length !== want.length || got.some((v, j) => v !== want[j]))
      ctx.error("bad-shape", `${what} (input ${i}) must be [${want}], got [${got}]`);
  };
  expect(1, "W", [nd, G * H, I]);
  expect(2, "R", [nd, G * H, H]);
  if (ctx.input(3)) expect(3, "B", [nd, 2 * G * H]);
  for (let k = 0; k < spec.states; k++) if (ctx.input(5 + k)) expect(5 + k, "initial state", [nd, batch, H]);

  let clip: number | undefined;
  if (ctx.node.attrs.has("clip")) {
    clip = ctx.float("clip", 0);
    if (!(clip > 0 && Number.isFinite(clip))) ctx.error("bad-attribute", `clip=${clip} must be positive`);
  }
  const acts = activations(ctx, spec.activations, nd);
  const lens = sequenceLengths(ctx, S, batch);

  const name = (i: number) => ctx.node.inputs[i] ?? "";
  const x = layout === 1 ? sub.op("Transpose", [name(0)], "X_sbi", { perm: ints([1, 0, 2]) }) : name(0);
  const xs = new Map<number, string>();
  const xAt = (t: number) => xs.get(t) ?? (xs.set(t, sub.pick(x, t, `x/t${t}`)).get(t) as string);
  const zeros = sub.constant("zeros", "float32", [batch, H], new Float64Array(batch * H));
  const mask = (t: number) =>
    sub.constant(
      `mask/t${t}`,
      "bool",
      [batch, 1],
      lens.map((l) => (l > t ? 1 : 0)),
    );

  const ys: string[][] = Array.from({ length: S }, () => []);
  const finals: string[][] = [];
  for (let d = 0; d < nd; d++) {
    const dl = nd === 2 ? (d === 0 ? "fwd/" : "bwd/") : "";
    const reverse = direction === "reverse" || d === 1;
    const gateOf = (t: string, g: number, label: string) => sub.slice(t, -1, g * H, (g + 1) * H, label);
    const perDir = new Map<string, string>();
    const input = (i: number, what: string, g?: number): string | undefined => {
      if (!ctx.input(i)) return undefined;
      const key = `${i}/${g}`;
      const have = perDir.get(key);
      if (have) return have;
      const v =
        g === undefined
          ? sub.pick(name(i), d, `${dl}${what}`)
          : gateOf(input(i, what) as string, g, `${dl}${what}${spec.gates[g]}`);
      perDir.set(key, v);
      return v;
    };
    const W = input(1, "W") as string;
    const R = input(2, "R") as string;
    const B = input(3, "B");
    const Wb = B && sub.slice(B, 0, 0, G * H, `${dl}Wb`);
    const Rb = B && sub.slice(B, 0, G * H, 2 * G * H, `${dl}Rb`);
    // R_g and Rb_g on their own, for a cell that multiplies another vector than h by them (GRU).
    const ownR = new Map<number, string[]>();
    const rOf = (g: number): string[] => {
      const have = ownR.get(g);
      if (have) return have;
      const letter = spec.gates[g] ?? "";
      const Rg = sub.slice(R, 0, g * H, (g + 1) * H, `${dl}R${letter}`);
      const v = [Rg, ...(Rb ? [gateOf(Rb, g, `${dl}Rb${letter}`)] : [])];
      ownR.set(g, v);
      return v;
    };
    let state = Array.from({ length: spec.states }, (_, k) => input(5 + k, `initial${k}`) ?? zeros);

    for (let n = 0; n < S; n++) {
      const t = reverse ? S - 1 - n : n;
      const at = `${dl}t${t}/`;
      let xwAll: string | undefined;
      let hrAll: string | undefined;
      const h = state[0] as string;
      const step: Step = {
        sub,
        at,
        input,
        gateOf,
        state,
        xw(g) {
          xwAll ??= sub.op("Gemm", [xAt(t), W, ...(Wb ? [Wb] : [])], `${at}xW`, { transB: int(1) });
          return gateOf(xwAll, g, `${at}xW_${spec.gates[g]}`);
        },
        hr(g, other) {
          const letter = spec.gates[g] ?? "";
          if (other !== undefined)
            return sub.op("Gemm", [other, ...rOf(g)], `${at}vR_${letter}`, { transB: int(1) });
          hrAll ??= sub.op("Gemm", [h, R, ...(Rb ? [Rb] : [])], `${at}hR`, { transB: int(1) });
          return gateOf(hrAll, g, `${at}hR_${letter}`);
        },
        activate(k, v, label) {
          return applyActivation(sub, acts[d]?.[k] as Activation, v, label);
        },
        clip(v, label) {
          return clip === undefined ? v : sub.op("Clip", [v, sub.real(-clip), sub.real(clip)], label);
        },
        gate(g, k, extra) {
          const letter = spec.gates[g] ?? "";
          let pre = sub.op("Add", [step.xw(g), step.hr(g)], `${at}${letter}_pre`);
          if (extra) pre = sub.op("Add", [pre, extra], `${at}${letter}_pre+`);
          return step.activate(k, step.clip(pre, `${at}${letter}_clipped`), `${at}${letter}`);
        },
      };
      const next = spec.cell(step);
      if (lens.some((l) => l !== S)) {
        // Constant masks: Where with a constant condition is wiring, no constraint.
        const m = mask(t);
        ys[t]?.push(sub.op("Where", [m, next[0] as string, zeros], `${at}y`));
        state = next.map((v, k) => sub.op("Where", [m, v, state[k] as string], `${at}state${k}`));
      } else {
        ys[t]?.push(next[0] as string);
        state = next;
      }
    }
    if (lens.some((l) => l === 0)) {
      const ran = sub.constant(
        "ran",
        "bool",
        [batch, 1],
        lens.map((l) => (l > 0 ? 1 : 0)),
      );
      state = state.map((v, k) => sub.op("Where", [ran, v, zeros], `${dl}final${k}`));
    }
    finals.push(state);
  }

  const out = ctx.node.outputs;
  if (out[0]) {
    const steps = ys.map((parts, t) => {
      const u = parts.map((p, d) => sub.op("Unsqueeze", [p, sub.ints([0, 1])], `Y/t${t}/d${d}`));
      return sub.concat(u, 1, `Y/t${t}`);
    });
    if (layout === 0) sub.concat(steps, 0, "Y", out[0]);
    else sub.op("Transpose", [sub.concat(steps, 0, "Y_sdbh")], "Y", { perm: ints([2, 0, 1, 3]) }, out[0]);
  }
  for (let k = 0; k < spec.states; k++) {
    const o = out[1 + k];
    if (!o) continue;
    const parts = finals.map((f, d) => sub.op("Unsqueeze", [f[k] as string, sub.ints([0])], `Y${k}/d${d}`));
    if (layout === 0) sub.concat(parts, 0, `Y${k}`, o);
    else sub.op("Transpose", [sub.concat(parts, 0, `Y${k}_dbh`)], `Y${k}`, { perm: ints([1, 0, 2]) }, o);
  }
  return sub.finish();
}

const ints = (value: number[]): AttrValue => ({ type: "ints", value });

/** sequence_lens as constants in [0, S]; all S when absent. */
function sequenceLengths(ctx: LowerCtx, S: number, batch: number): number[] {
  if (!ctx.input(4)) return new Array(batch).fill(S);
  const t = ctx.constant(4, "sequence_lens");
  const lens = Array.from(t.data);
  if (lens.length !== batch)
    ctx.error("bad-shape", `sequence_lens has ${lens.length} entries for a batch of ${batch}`);
  for (const l of lens)
    if (!Number.isInteger(l) || l < 0 || l > S)
      ctx.error("bad-input", `sequence_lens value ${l} is not an integer in [0, ${S}]`);
  return lens;
}

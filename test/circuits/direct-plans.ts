/**
 * One-prim plans for the template tests' direct-backend runs (direct-harness.ts): each builds the prim a
 * template test compiles, with the same parameters, reading a range-checked private input, and names the
 * template's signals as the plan's.
 *
 * Input checks. A plan input is range-checked (constraints of its own, subtracted from the build's
 * count: `ownConstraints`). The check is chosen at least as wide as the template's input assumption, and
 * where the template assumes in ∈ [L, L + 2^N), 2^(N−1) wider on each side (`around`): values just
 * outside the template's range then pass the input check and must be rejected by the prim's own
 * decomposition ("fails witness generation for an input outside the range" tests the prim, not the
 * check). Forgeries keep the input (or re-encode its check bits, see direct-harness.ts), so what rejects
 * them is always the prim's constraints.
 */
import type { PolyPrim } from "../../src/3-lower/ir.js";
import { selectionCoefficients } from "../../src/3-lower/prims/poly.js";
import { type CommitRole, type CommitTensorSpec, elementCount } from "../../src/commit/commitment.js";
import { type InputCheck, PlanMaker, type PlanSpec, renamer } from "./direct-harness.js";
import { fromField } from "./harness.js";

const pow2 = (e: number): bigint => 1n << BigInt(e);

/** An input of the template as an integer (a field element as its signed representative, p − 1 as −1). */
const num = (input: Record<string, unknown>, name: string): bigint =>
  fromField(BigInt(input[name] as bigint));

/**
 * A check of [L − 2^(N−1), L + 2^N + 2^(N−1)) ⊇ the template's [L, L + 2^N): N + 1 bits. At N = 252 that
 * is 253 bits, still without wrap-around (2^253 < p).
 */
export function around(L: bigint, N: number): InputCheck {
  return { lo: L - pow2(N - 1), bits: N + 1 };
}

/** A check of [-2^(B−1), 2^(B−1)) for operands the template assumes nothing about (only their difference). */
export function signedCheck(B: number): InputCheck {
  return { lo: -pow2(B - 1), bits: B };
}

/**
 * One input `x` of one element, one prim reading it, its output the plan's: the template's `main.in` is
 * the input (the prim's `in` is that wire), its output `main.out` the plan's output (the component's own
 * `out` is the signal the output equation eliminates, in both backends), every other `main.<s>` the
 * component's `<prefix>.<s>`.
 */
function unary(check: InputCheck, make: (m: PlanMaker, x: number) => number): PlanSpec {
  const m = new PlanMaker();
  const x = m.input("x", 1, check);
  const t = make(m, x);
  m.output(t);
  return {
    plan: m.plan,
    helpers: m.helpers,
    feed: (input) => [[num(input, "in")]],
    rename: renamer(`main.c_t${t}[0]`, { "main.in": "main.in_x[0]", "main.out": "main.out_y[0]" }),
  };
}

/**
 * RangeCheck(n) / RangeCheckSigned(n) as a plan input's own check (no prim): in − lo ∈ [0, 2^n), lo = 0
 * or −2^(n−1). `upper`: the exact check, a second decomposition of upper − in (`main.upper.*`). The
 * input's check is the prim under test here, so its constraints are the build's own.
 */
export function rangeCheckPlan(n: number, signed: boolean, upper?: bigint): PlanSpec {
  const m = new PlanMaker();
  const lo = signed ? -pow2(n - 1) : 0n;
  m.input("x", 1, upper === undefined ? { lo, bits: n } : { lo, bits: n, upper });
  const base = renamer("main.rc_in_x[0]", (name) =>
    name === "main.in"
      ? "main.in_x[0]"
      : name.startsWith("main.upper.")
        ? `main.rc_in_x_upper[0]${name.slice(10)}`
        : undefined,
  );
  return {
    plan: m.plan,
    helpers: [],
    feed: (input) => [[num(input, "in")]],
    rename: base,
    ownInputChecks: true,
  };
}

/** Rescale(N, k) (relu false) or RescaleRelu(N, k): the template's in (+ h for ReLU) ∈ [-2^(N−1), 2^(N−1)). */
export function rescalePlan(N: number, k: number, relu: boolean): PlanSpec {
  const h = relu && k > 0 ? pow2(k - 1) : 0n;
  return unary(around(-pow2(N - 1) - h, N), (m, x) =>
    m.prim({ kind: "rescale", in: x, k, relu, bits: [N] }, 1),
  );
}

/**
 * Max2(N) as a max prim over one row [a, b] of a two-element input (`main.a`, `main.b` are its elements).
 * The template assumes only a − b ∈ [-2^(N−1), 2^(N−1)); the operands' check is `operandBits` wide (as
 * the test's operands need), and a − b outside the template's range reaches the prim's decomposition.
 */
export function max2Plan(N: number, operandBits: number): PlanSpec {
  const m = new PlanMaker();
  const x = m.input("x", 2, signedCheck(operandBits));
  const t = m.prim({ kind: "max", ins: [x], rows: [Int32Array.of(0, 1)], bits: [[N]] }, 1);
  m.output(t);
  return {
    plan: m.plan,
    helpers: m.helpers,
    feed: (input) => [[num(input, "a"), num(input, "b")]],
    rename: renamer(`main.c_t${t}_0[0][0]`, {
      "main.a": "main.in_x[0]",
      "main.b": "main.in_x[1]",
      "main.out": "main.out_y[0]",
    }),
  };
}

/**
 * IsNonNeg(N) as a cmp "nonneg" prim. For N = 1 the input check is the template's range itself, [-1, 0]:
 * there --O2 (and the direct backend) eliminate the input (in = out − 1), and a wider check would pin
 * out through bits of its own, where the template's only signal is out.
 */
export function isNonNegPlan(N: number): PlanSpec {
  return unary(N === 1 ? { lo: -1n, bits: 1 } : around(-pow2(N - 1), N), (m, x) =>
    m.prim({ kind: "cmp", in: x, test: "nonneg", bits: [N] }, 1),
  );
}

/**
 * circomlib IsZero() as a cmp "zero" prim. It assumes nothing of its input: the check must admit every
 * value the test feeds (±2^200, p − 1 = −1, p/2), so it spans [-2^253, 2^253) in 254 bits, a check that
 * can alias modulo p (no range proof, which this test does not need: the input is never forged).
 */
export function isZeroPlan(): PlanSpec {
  return unary(signedCheck(254), (m, x) => m.prim({ kind: "cmp", in: x, test: "zero", bits: [1] }, 1));
}

/**
 * FloorDiv(QLO, NQ, NR) as a div prim of two inputs `num` and `den`: den ∈ [1, 2^NR] assumed, checked in
 * [1, 2^(NR+1)] (the template's soundness note: a den up to 2^(NR+1) − 1 still satisfies the remainder
 * checks, so the test's den = 2^(NR+1) must be rejected by the prim); num in `numBits` signed bits.
 * `constDen`: den is the constant d (an affine map of nothing, `constantSignal`), the prim's constDen form.
 */
export function floorDivPlan(
  QLO: bigint,
  NQ: number,
  NR: number,
  numBits: number,
  constDen?: bigint,
): PlanSpec {
  const m = new PlanMaker();
  const n = m.input("num", 1, signedCheck(numBits));
  const d =
    constDen === undefined
      ? m.input("den", 1, { lo: 1n, bits: NR + 1 })
      : m.prim(
          { kind: "affine", ins: [], rows: [{ idx: new Int32Array(0), coef: [] }], bias: [constDen] },
          1,
          true,
        );
  const t = m.prim(
    {
      kind: "div",
      num: n,
      den: d,
      qlo: [QLO],
      qBits: [NQ],
      rBits: [NR],
      ...(constDen === undefined ? {} : { constDen: true as const }),
    },
    1,
  );
  m.output(t);
  return {
    plan: m.plan,
    helpers: m.helpers,
    feed: (input) =>
      constDen === undefined ? [[num(input, "num")], [num(input, "den")]] : [[num(input, "num")]],
    rename: renamer(`main.c_t${t}[0]`, {
      "main.num": "main.in_num[0]",
      "main.den": "main.in_den[0]",
      "main.q": "main.out_y[0]",
    }),
  };
}

/** FloorSqrt(NX, NS) as a sqrt prim: in ∈ [0, 2^NX) assumed. */
export function floorSqrtPlan(NX: number, NS: number): PlanSpec {
  return unary(around(0n, NX), (m, x) => m.prim({ kind: "sqrt", in: x, xBits: [NX], sBits: [NS] }, 1));
}

/** The generated Poly template as a poly prim: in ∈ [lo, lo + 2^(segBits + offBits)) assumed. */
export function polyPlan(p: Pick<PolyPrim, "lo" | "segBits" | "offBits" | "coef">): PlanSpec {
  const { monomials } = selectionCoefficients(p.coef);
  return unary(around(p.lo, p.segBits + p.offBits), (m, x) =>
    m.prim({ kind: "poly", in: x, ...p, monomials }, 1),
  );
}

/**
 * The one-hot probe of onehot.test.ts as a plan: an index `in`, a one-hot prim of K candidates (OneHot(K,
 * CHECK) for K <= 32, OneHotHint(K) above), and y[k] = out[k]·w[k] with inputs w (the harness's mul
 * prim, a helper: it keeps the outputs readable). The index check [-8, 120) admits the out-of-range
 * indices the test forges (−1, K, K + 1, p − 5 = −5), so the prim's membership check is what rejects them.
 */
export function oneHotProbePlan(K: number, check: boolean): PlanSpec {
  const m = new PlanMaker();
  const x = m.input("x", 1, { lo: -8n, bits: 7 });
  const w = m.input("w", K, { lo: 0n, bits: 2 });
  const e = m.prim({ kind: "onehot", in: x, lo: [0n], count: [K], check: [check] }, K);
  const iota = Int32Array.from({ length: K }, (_, k) => k);
  const y = m.prim({ kind: "mul", a: e, b: w, ia: iota, ib: iota }, K, true);
  m.output(y);
  const alias = (name: string): string | undefined => {
    if (name === "main.in") return "main.in_x[0]";
    if (name.startsWith("main.w[")) return `main.in_w${name.slice(6)}`;
    if (name.startsWith("main.y[")) return `main.out_y${name.slice(6)}`;
    if (name.startsWith("main.c.")) return `main.c_t${e}_0[0]${name.slice(6)}`;
    return undefined;
  };
  return {
    plan: m.plan,
    helpers: m.helpers,
    feed: (input) => [[num(input, "in")], (input.w as bigint[]).map(BigInt)],
    rename: renamer(`main.c_t${e}_0[0]`, alias),
  };
}

/**
 * A mul prim y = a·b of two inputs (`main.a`, `main.b`, output `main.y`), operands in B signed bits;
 * `square`: y = a·a of one input (`main.b` is `main.a`).
 */
export function mulPlan(B: number, square = false): PlanSpec {
  const m = new PlanMaker();
  const a = m.input("a", 1, signedCheck(B));
  const b = square ? a : m.input("b", 1, signedCheck(B));
  const y = m.prim({ kind: "mul", a, b, ia: Int32Array.of(0), ib: Int32Array.of(0) }, 1);
  m.output(y);
  return {
    plan: m.plan,
    helpers: m.helpers,
    feed: (input) => (square ? [[num(input, "a")]] : [[num(input, "a")], [num(input, "b")]]),
    rename: renamer("main", {
      "main.a": "main.in_a[0]",
      "main.b": square ? "main.in_a[0]" : "main.in_b[0]",
      "main.y": "main.out_y[0]",
    }),
  };
}

/** A tensor a commit plan commits: private input `in_<name>`, checked by `check` (default [lo, lo + 2^bits)). */
export interface CommittedInput extends CommitTensorSpec {
  name: string;
  check?: InputCheck;
}

/**
 * A commit prim (zkmlc-commit-v1) over private inputs, its one element the plan's output `main.y`. Each
 * input is range-checked by its input prim, by default in exactly the range the commitment packs (the
 * prim's contract); a wider `check` breaks that contract on purpose. Names: `main.<name>[i]` is
 * `main.in_<name>[i]`, `main.c[j]...` the commit's Poseidon block j (`main.c_t<id>[j]...`).
 */
export function commitPlan(role: CommitRole, inputs: readonly CommittedInput[]): PlanSpec {
  const m = new PlanMaker();
  const ids = inputs.map((t) =>
    m.input(t.name, elementCount(t.shape), t.check ?? { lo: t.lo, bits: t.bits }),
  );
  const tensors = inputs.map(({ name: _, check: __, ...spec }, i) => ({ ...spec, id: ids[i] as number }));
  const y = m.prim({ kind: "commit", role, tensors }, 1);
  m.output(y);
  const alias = (name: string): string | undefined => {
    if (name === "main.y") return "main.out_y[0]";
    if (name.startsWith("main.c[")) return `main.c_t${y}${name.slice(6)}`;
    const t = inputs.find((t) => name.startsWith(`main.${t.name}[`));
    return t && `main.in_${name.slice(5)}`;
  };
  return {
    plan: m.plan,
    helpers: m.helpers,
    feed: (input) => inputs.map((t) => (input[t.name] as bigint[]).map((v) => fromField(BigInt(v)))),
    rename: renamer("main", alias),
  };
}

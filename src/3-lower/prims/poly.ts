import type { PolyPrim } from "../ir.js";
import { num2bits, pow2, weighted } from "./bits.js";
import { INDENT as I } from "./circom-text.js";
import { Lin } from "./lin.js";
import type { Cs, PrimSpec } from "./spec.js";

/**
 * Monomials of the segment bits that the coefficient selection needs: Möbius transform of each
 * degree's coefficient table (integers, since the table is), keeping masks of size >= 2 with a
 * non-zero coefficient and every prefix they are built from (mono[S] = mono[S − top bit] · bit).
 */
export function selectionCoefficients(coef: bigint[][]): { lambda: bigint[][]; monomials: number[] } {
  const segs = coef.length;
  const d = (coef[0]?.length ?? 1) - 1;
  const lambda: bigint[][] = [];
  for (let j = 0; j <= d; j++) {
    const l = coef.map((c) => c[j] as bigint);
    for (let bit = 1; bit < segs; bit <<= 1)
      for (let s = 0; s < segs; s++) if (s & bit) l[s] = (l[s] as bigint) - (l[s ^ bit] as bigint);
    lambda.push(l);
  }
  const need = new Set<number>();
  for (let s = 0; s < segs; s++) {
    if (!lambda.some((l) => l[s] !== 0n)) continue;
    for (let m = s; popcount(m) >= 2; m &= ~topBit(m)) need.add(m);
  }
  return { lambda, monomials: [...need].sort((a, b) => a - b) };
}

export function popcount(m: number): number {
  let c = 0;
  for (let x = m; x; x &= x - 1) c++;
  return c;
}

export function topBit(m: number): number {
  return 1 << (31 - Math.clz32(m));
}

/** The integer polynomial of one input value (the specification of the generated Poly template). */
export function polyValue(p: Pick<PolyPrim, "lo" | "offBits" | "coef">, x: bigint): bigint {
  const u = x - p.lo;
  const w = BigInt(p.offBits);
  const seg = Number(u >> w);
  const t = u & ((1n << w) - 1n);
  const c = p.coef[seg];
  if (!c || u < 0n) throw new RangeError(`poly input ${x} is outside its domain`);
  const d = c.length - 1;
  let acc = c[d] as bigint;
  for (let j = d - 1; j >= 0; j--) acc = ((c[j] as bigint) << (w * BigInt(d - j))) + t * acc;
  return acc;
}

/**
 * Products in the Horner evaluation acc_d = c_d, acc_j = c_j·2^w + t·acc_{j+1}: a step costs a
 * constraint only when acc_{j+1} depends on the segment (otherwise t·acc is linear and --O2 folds it).
 * Once a step is a product every later one is, so a poly with products ends with one.
 */
export function hornerProducts(coef: bigint[][]): number {
  return hornerSteps(coef).filter((s) => s.product).length;
}

/** The Horner steps j = d−1 … 0: whether each is a product of two signals. */
function hornerSteps(coef: bigint[][]): { j: number; product: boolean }[] {
  const d = (coef[0]?.length ?? 1) - 1;
  const varies = (j: number) => coef.some((c) => c[j] !== coef[0]?.[j]);
  const steps: { j: number; product: boolean }[] = [];
  let accVaries = varies(d);
  let accZero = coef.every((c) => c[d] === 0n);
  for (let j = d - 1; j >= 0; j--) {
    // acc_{j+1}·t is a product of two signals iff acc_{j+1} is not a constant.
    steps.push({ j, product: accVaries });
    // acc_j = c_j·2^w + t·acc_{j+1} is a signal (not constant) when t·acc_{j+1} is non-zero.
    accVaries = varies(j) || !accZero;
    accZero = accZero && coef.every((c) => c[j] === 0n);
  }
  return steps;
}

/**
 * A piecewise polynomial of x (a generated template per prim, `polyTemplate`): u = x − lo in
 * segBits + offBits bits, the segment's coefficients selected by monomials of the segment bits, Horner's
 * rule in the offset t. Constraints: bits + monomials + Horner products per element.
 */
export const polySpec: PrimSpec<PolyPrim> = {
  kind: "poly",
  cost: (p, size) => size * (p.segBits + p.offBits + p.monomials.length + hornerProducts(p.coef)),
  evaluate: (p, vals) => (vals[p.in] as bigint[]).map((x) => polyValue(p, x)),
  circom(p, s, env, templates) {
    templates.push(...polyTemplate(p, s), "");
    const n = env.tensor(p.out).lo.length;
    return [
      `// piecewise polynomial (template Poly_${s} above)`,
      `component c_${s}[${n}];`,
      `for (var i = 0; i < ${n}; i++) {`,
      `${I}c_${s}[i] = Poly_${s}();`,
      `${I}c_${s}[i].in <== ${env.name(p.in)}[i];`,
      `${I}${s}[i] <== c_${s}[i].out;`,
      "}",
    ];
  },
  build(p, s, cs) {
    const n = cs.size(p.out);
    const { lambda, monomials } = selectionCoefficients(p.coef);
    const steps = hornerSteps(p.coef);
    for (let i = 0; i < n; i++) buildElement(p, s, cs, i, lambda, monomials, steps);
  },
};

function buildElement(
  p: PolyPrim,
  s: string,
  cs: Cs,
  i: number,
  lambda: bigint[][],
  monomials: number[],
  steps: { j: number; product: boolean }[],
): void {
  const B = p.segBits + p.offBits;
  const w = p.offBits;
  const d = (p.coef[0]?.length ?? 1) - 1;
  const c = () => `main.c_${s}[${i}]`;
  const x = cs.lin(p.in, i);
  cs.named(() => `${c()}.in`, x);
  const u = () => cs.val(p.in, i) - p.lo;
  const bits = num2bits(cs, () => `${c()}.u`, x.add(-p.lo), u, B);
  const t = weighted(bits, 0, w);
  // The integers behind the witness: segment, offset, and the Horner values.
  const seg = () => Number(u() >> BigInt(w));
  const tv = () => u() & (pow2(w) - 1n);
  const bitValue = (b: number) => BigInt((seg() >> b) & 1);
  const monoIndex = new Map(monomials.map((m, k) => [m, k]));
  const mono: Lin[] = [];
  const monoLin = (m: number): Lin =>
    m === 0
      ? Lin.ONE
      : (m & (m - 1)) === 0
        ? (bits[w + 31 - Math.clz32(m)] as Lin)
        : (mono[monoIndex.get(m) as number] as Lin);
  monomials.forEach((m, k) => {
    const top = 1 << (31 - Math.clz32(m));
    const v = () => {
      let x = 1n;
      for (let b = 0; 1 << b <= m; b++) if (m & (1 << b)) x *= bitValue(b);
      return x;
    };
    mono[k] = cs.wire(() => `${c()}.mono[${k}]`, v);
    cs.constrain(monoLin(m & ~top), bits[w + 31 - Math.clz32(top)] as Lin, mono[k] as Lin);
  });
  const coefLin = (j: number): Lin =>
    Lin.sum((lambda[j] ?? []).flatMap((l, m) => (l === 0n ? [] : [[l, monoLin(m)] as [bigint, Lin]])));
  const row = () => p.coef[seg()] ?? [];
  const accValue = (j: number): bigint => {
    let acc = row()[d] as bigint;
    for (let k = d - 1; k >= j; k--) acc = ((row()[k] as bigint) << BigInt(w * (d - k))) + tv() * acc;
    return acc;
  };
  let acc = coefLin(d);
  let h = 0;
  for (const { j, product } of steps) {
    const shift = pow2(w * (d - j));
    if (!product) {
      acc = coefLin(j).times(shift).plus(t.times(acc.k));
      continue;
    }
    const name = `${c()}.h${h++}`;
    const hv = () => tv() * accValue(j + 1);
    let hw: Lin;
    if (j === 0) {
      // The last product: out stays a wire (its consumers' rows stay sparse) and h is out − c_0·2^shift.
      const out = cs.wire(
        () => `${c()}.out`,
        () => accValue(0),
      );
      hw = out.minus(coefLin(0).times(shift));
      cs.named(() => name, hw);
    } else hw = cs.wire(() => name, hv);
    cs.constrain(t, acc, hw);
    acc = coefLin(j).times(shift).plus(hw);
  }
  if (steps.length === 0 || !steps[steps.length - 1]?.product) cs.named(() => `${c()}.out`, acc);
  cs.out(p.out, i, acc);
}

/**
 * The generated template of one PolyPrim: decompose u = in − lo, select the segment's coefficients with
 * multilinear monomials of the segment bits, evaluate by Horner's rule in the offset t. Products whose
 * factor is constant are left linear.
 */
export function polyTemplate(p: PolyPrim, s: string): string[] {
  const B = p.segBits + p.offBits;
  const w = p.offBits;
  const d = (p.coef[0]?.length ?? 1) - 1;
  const { lambda, monomials } = selectionCoefficients(p.coef);
  const monoIndex = new Map(monomials.map((m, k) => [m, k]));
  const bit = (i: number) => `u.out[${w + i}]`;
  const mono = (m: number): string =>
    m === 0 ? "1" : popcount(m) === 1 ? bit(31 - Math.clz32(m)) : `mono[${monoIndex.get(m)}]`;
  const coefExpr = (j: number): string => {
    const terms: string[] = [];
    (lambda[j] ?? []).forEach((l, m) => {
      if (l === 0n) return;
      terms.push(m === 0 ? `${l}` : `${l} * ${mono(m)}`);
    });
    return terms.length ? terms.join(" + ") : "0";
  };
  const body = [
    `// in − (${p.lo}) ∈ [0, 2^${B}): ${2 ** p.segBits} segments of 2^${w} inputs, degree ${d}; out at scale`,
    `// offBits·degree + coefficient scale. Constraints: ${B} + ${monomials.length} monomials + ${hornerProducts(p.coef)} products.`,
    `template Poly_${s}() {`,
    `${I}signal input in;`,
    `${I}signal output out;`,
    `${I}component u = Num2Bits(${B});`,
    `${I}u.in <== in - (${p.lo});`,
    `${I}var t = 0;`,
    `${I}for (var i = 0; i < ${w}; i++) t += u.out[i] * 2 ** i;`,
  ];
  if (monomials.length > 0) {
    body.push(`${I}signal mono[${monomials.length}];`);
    for (const m of monomials) {
      const top = topBit(m);
      body.push(`${I}mono[${monoIndex.get(m)}] <== ${mono(m & ~top)} * ${bit(31 - Math.clz32(top))};`);
    }
  }
  body.push(`${I}var acc = ${coefExpr(d)};`);
  let h = 0;
  for (const { j, product } of hornerSteps(p.coef)) {
    const shift = w * (d - j);
    if (product) {
      body.push(`${I}signal h${h};`, `${I}h${h} <== t * acc;`);
      body.push(`${I}acc = (${coefExpr(j)}) * 2 ** ${shift} + h${h};`);
      h++;
    } else {
      body.push(`${I}acc = (${coefExpr(j)}) * 2 ** ${shift} + t * acc;`);
    }
  }
  body.push(`${I}out <== acc;`, "}");
  return body;
}

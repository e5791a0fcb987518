import type {
  CmpPrim,
  DivPrim,
  MaxPrim,
  MulPrim,
  OneHotPrim,
  PolyPrim,
  QTensor,
  SqrtPrim,
} from "../3-quantize/ir.js";
import { hornerProducts, ONEHOT_POWERS_MAX } from "../3-quantize/ir.js";
import { popcount, selectionCoefficients, topBit } from "../3-quantize/prims/poly.js";

/** What the emitters of the non-linear prims need from the model emitter. */
export interface EmitEnv {
  tensor(id: number): QTensor;
  /** The signal array holding tensor `id`. */
  name(id: number): string;
}

const I = "    ";

/** `var NAME[n] = [...];` (circom needs at least one element). */
function varArray(name: string, xs: readonly (number | bigint)[]): string {
  return `var ${name}[${xs.length}] = [${xs.join(", ")}];`;
}

export function emitMul(p: MulPrim, s: string, env: EmitEnv): string[] {
  const n = p.ia.length;
  return [
    `// element products of two signals (1 constraint each)`,
    varArray(`IA_${s}`, Array.from(p.ia)),
    varArray(`IB_${s}`, Array.from(p.ib)),
    `for (var i = 0; i < ${n}; i++) ${s}[i] <== ${env.name(p.a)}[IA_${s}[i]] * ${env.name(p.b)}[IB_${s}[i]];`,
  ];
}

/** Several inputs are first wired into one array so the comparisons can index them. */
function concatenated(ins: number[], s: string, env: EmitEnv): { src: string; lines: string[] } {
  if (ins.length === 1) return { src: env.name(ins[0] as number), lines: [] };
  const total = ins.reduce((a, id) => a + env.tensor(id).lo.length, 0);
  const lines = [`signal cat_${s}[${total}];`];
  let off = 0;
  for (const id of ins) {
    const n = env.tensor(id).lo.length;
    lines.push(`for (var i = 0; i < ${n}; i++) cat_${s}[${off} + i] <== ${env.name(id)}[i];`);
    off += n;
  }
  return { src: `cat_${s}`, lines };
}

export function emitMax(p: MaxPrim, s: string, env: EmitEnv): string[] {
  const { src, lines } = concatenated(p.ins, s, env);
  lines.unshift("// maximum over each row: a chain of Max2 comparisons (width + 1 constraints each)");
  const byLen = new Map<number, number[]>();
  p.rows.forEach((r, i) => {
    byLen.set(r.length, [...(byLen.get(r.length) ?? []), i]);
  });
  let g = 0;
  for (const [len, outs] of [...byLen.entries()].sort((a, b) => a[0] - b[0])) {
    const tag = `${s}_${g++}`;
    if (len === 1) {
      lines.push(
        varArray(`O_${tag}`, outs),
        varArray(
          `I_${tag}`,
          outs.map((i) => p.rows[i]?.[0] ?? 0),
        ),
      );
      lines.push(`for (var i = 0; i < ${outs.length}; i++) ${s}[O_${tag}[i]] <== ${src}[I_${tag}[i]];`);
      continue;
    }
    const idx = outs.map((i) => `[${Array.from(p.rows[i] ?? []).join(", ")}]`);
    const bits = outs.map((i) => `[${(p.bits[i] ?? []).join(", ")}]`);
    lines.push(
      varArray(`O_${tag}`, outs),
      `var I_${tag}[${outs.length}][${len}] = [${idx.join(", ")}];`,
      `var N_${tag}[${outs.length}][${len - 1}] = [${bits.join(", ")}];`,
      `component c_${tag}[${outs.length}][${len - 1}];`,
      `for (var i = 0; i < ${outs.length}; i++) {`,
      `${I}var m = ${src}[I_${tag}[i][0]];`,
      `${I}for (var t = 1; t < ${len}; t++) {`,
      `${I}${I}c_${tag}[i][t - 1] = Max2(N_${tag}[i][t - 1]);`,
      `${I}${I}c_${tag}[i][t - 1].a <== m;`,
      `${I}${I}c_${tag}[i][t - 1].b <== ${src}[I_${tag}[i][t]];`,
      `${I}${I}m = c_${tag}[i][t - 1].out;`,
      `${I}}`,
      `${I}${s}[O_${tag}[i]] <== m;`,
      "}",
    );
  }
  return lines;
}

export function emitCmp(p: CmpPrim, s: string, env: EmitEnv): string[] {
  const n = p.bits.length;
  const x = env.name(p.in);
  const make = p.test === "zero" ? "IsZero()" : `IsNonNeg(N_${s}[i])`;
  return [
    p.test === "zero"
      ? "// [x = 0] (circomlib IsZero, 2 constraints)"
      : "// [x >= 0] (IsNonNeg, width constraints)",
    ...(p.test === "zero" ? [] : [varArray(`N_${s}`, p.bits)]),
    `component c_${s}[${n}];`,
    `for (var i = 0; i < ${n}; i++) {`,
    `${I}c_${s}[i] = ${make};`,
    `${I}c_${s}[i].in <== ${x}[i];`,
    `${I}${s}[i] <== c_${s}[i].out;`,
    "}",
  ];
}

export function emitDiv(p: DivPrim, s: string, env: EmitEnv): string[] {
  const n = p.qBits.length;
  return [
    "// floor division by a positive signal (FloorDiv: q and the remainder range-checked)",
    varArray(`QLO_${s}`, p.qlo),
    varArray(`NQ_${s}`, p.qBits),
    varArray(`NR_${s}`, p.rBits),
    `component c_${s}[${n}];`,
    `for (var i = 0; i < ${n}; i++) {`,
    `${I}c_${s}[i] = FloorDiv(QLO_${s}[i], NQ_${s}[i], NR_${s}[i]);`,
    `${I}c_${s}[i].num <== ${env.name(p.num)}[i];`,
    `${I}c_${s}[i].den <== ${env.name(p.den)}[i];`,
    `${I}${s}[i] <== c_${s}[i].q;`,
    "}",
  ];
}

export function emitSqrt(p: SqrtPrim, s: string, env: EmitEnv): string[] {
  const n = p.xBits.length;
  return [
    "// floor square root (FloorSqrt)",
    varArray(`NX_${s}`, p.xBits),
    varArray(`NS_${s}`, p.sBits),
    `component c_${s}[${n}];`,
    `for (var i = 0; i < ${n}; i++) {`,
    `${I}c_${s}[i] = FloorSqrt(NX_${s}[i], NS_${s}[i]);`,
    `${I}c_${s}[i].in <== ${env.name(p.in)}[i];`,
    `${I}${s}[i] <== c_${s}[i].out;`,
    "}",
  ];
}

/** One-hot vectors, grouped by template instance (circuits/onehot.circom); each element's lo is subtracted first. */
export function emitOneHot(p: OneHotPrim, s: string, env: EmitEnv): string[] {
  const groups = new Map<string, { K: number; check: boolean; elems: number[]; at: number[] }>();
  let at = 0;
  p.count.forEach((K, i) => {
    const check = p.check[i] === true && K <= ONEHOT_POWERS_MAX;
    const key = `${K}/${check}`;
    const g = groups.get(key) ?? { K, check, elems: [], at: [] };
    g.elems.push(i);
    g.at.push(at);
    groups.set(key, g);
    at += K;
  });
  const lines = [
    "// one-hot vectors of integer indices (OneHot: powers, OneHotHint: hints above 32 candidates)",
  ];
  let n = 0;
  for (const g of groups.values()) {
    const tag = `${s}_${n++}`;
    const make = g.K > ONEHOT_POWERS_MAX ? `OneHotHint(${g.K})` : `OneHot(${g.K}, ${g.check ? 1 : 0})`;
    lines.push(
      varArray(`I_${tag}`, g.elems),
      varArray(
        `LO_${tag}`,
        g.elems.map((i) => p.lo[i] as bigint),
      ),
      varArray(`O_${tag}`, g.at),
      `component c_${tag}[${g.elems.length}];`,
      `for (var i = 0; i < ${g.elems.length}; i++) {`,
      `${I}c_${tag}[i] = ${make};`,
      `${I}c_${tag}[i].in <== ${env.name(p.in)}[I_${tag}[i]] - LO_${tag}[i];`,
      `${I}for (var k = 0; k < ${g.K}; k++) ${s}[O_${tag}[i] + k] <== c_${tag}[i].out[k];`,
      "}",
    );
  }
  return lines;
}

/** The component instances of a poly prim; its template comes from `polyTemplate`. */
export function emitPoly(p: PolyPrim, s: string, env: EmitEnv): string[] {
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
}

/**
 * A generated template for one PolyPrim: decompose u = in − lo, select the segment's coefficients with
 * multilinear monomials of the segment bits, evaluate by Horner's rule in the offset t. The constraint
 * count is PolyPrim's formula (ir.ts primConstraints); products whose factor is constant are left linear.
 */
export function polyTemplate(p: PolyPrim, s: string, what: string): string[] {
  const B = p.segBits + p.offBits;
  const w = p.offBits;
  const d = (p.coef[0]?.length ?? 1) - 1;
  const { lambda, monomials } = selectionCoefficients(p.coef);
  const monoIndex = new Map(monomials.map((m, k) => [m, k]));
  const bit = (i: number) => `u.out[${w + i}]`;
  const mono = (m: number): string =>
    m === 0 ? "1" : popcount(m) === 1 ? bit(31 - Math.clz32(m)) : `mono[${monoIndex.get(m)}]`;
  const coefExpr = (j: number): { expr: string; varies: boolean; zero: boolean } => {
    const terms: string[] = [];
    (lambda[j] ?? []).forEach((l, m) => {
      if (l === 0n) return;
      terms.push(m === 0 ? `${l}` : `${l} * ${mono(m)}`);
    });
    const varies = (lambda[j] ?? []).some((l, m) => m !== 0 && l !== 0n);
    return { expr: terms.length ? terms.join(" + ") : "0", varies, zero: terms.length === 0 };
  };
  const body = [
    `// ${what}`,
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
  // Horner: acc_d = c_d; acc_j = c_j·2^(w(d−j)) + t·acc_{j+1}; signals only where the product is non-linear.
  const top = coefExpr(d);
  body.push(`${I}var acc = ${top.expr};`);
  let accVaries = top.varies;
  let accZero = top.zero;
  let h = 0;
  for (let j = d - 1; j >= 0; j--) {
    const c = coefExpr(j);
    const shift = w * (d - j);
    if (accVaries) {
      body.push(`${I}signal h${h};`, `${I}h${h} <== t * acc;`);
      body.push(`${I}acc = (${c.expr}) * 2 ** ${shift} + h${h};`);
      h++;
    } else {
      body.push(`${I}acc = (${c.expr}) * 2 ** ${shift} + t * acc;`);
    }
    accVaries = c.varies || !accZero;
    accZero = accZero && c.zero;
  }
  body.push(`${I}out <== acc;`, "}");
  return body;
}

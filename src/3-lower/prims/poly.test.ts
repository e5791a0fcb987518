import { describe, expect, it } from "vitest";
import type { GraphNode } from "../../1-decode/graph.js";
import { evaluatePlan } from "../evaluate.js";
import type { PolyPrim, QTensor } from "../ir.js";
import { LowerCtx, PlanBuilder } from "../lower.js";
import { bitsSigned, roundShift } from "../rounding.js";
import { hornerProducts, polyValue, selectionCoefficients } from "./poly.js";
import { approximate, choosePoly, clampConstraints } from "./poly-approx.js";
import {
  fitFloat,
  fitSegments,
  lipschitz,
  minimax,
  polyValues,
  quantizeFit,
  sampleDomain,
} from "./poly-fit.js";
import { primConstraints } from "./registry.js";

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** A deterministic pseudo-random integer in [lo, hi]. */
function ints(seed: number): (lo: number, hi: number) => bigint {
  let s = seed;
  return (lo, hi) => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return BigInt(lo + (s % (hi - lo + 1)));
  };
}

describe("segment selection (Möbius coefficients, monomials)", () => {
  it("Σ over subsets m of the segment's bits of λ[m] rebuilds every coefficient; monomials are prefix-closed", () => {
    const next = ints(3);
    for (const segBits of [0, 1, 2, 3, 4]) {
      const coef = Array.from({ length: 2 ** segBits }, () => Array.from({ length: 3 }, () => next(-50, 50)));
      const { lambda, monomials } = selectionCoefficients(coef);
      coef.forEach((c, s) => {
        c.forEach((v, j) => {
          let sum = 0n;
          (lambda[j] ?? []).forEach((l, m) => {
            if ((m & s) === m) sum += l;
          });
          expect(sum).toBe(v);
        });
      });
      for (const m of monomials) {
        const rest = m & ~(1 << (31 - Math.clz32(m)));
        if (rest.toString(2).replaceAll("0", "").length >= 2) expect(monomials).toContain(rest);
      }
      if (segBits === 4) expect(monomials).toHaveLength(11);
    }
  });

  it("tables depending on fewer bits need fewer monomials; Horner products skip constant accumulators", () => {
    expect(selectionCoefficients([[1n], [2n], [1n], [2n]]).monomials).toEqual([]);
    expect(selectionCoefficients([[0n], [0n], [0n], [5n]]).monomials).toEqual([3]);
    expect(hornerProducts([[1n, 2n, 3n]])).toBe(1);
    expect(
      hornerProducts([
        [1n, 2n, 3n],
        [4n, 5n, 3n],
      ]),
    ).toBe(1);
    expect(
      hornerProducts([
        [1n, 2n, 3n],
        [4n, 5n, 6n],
      ]),
    ).toBe(2);
    expect(
      hornerProducts([
        [1n, 0n, 0n],
        [4n, 0n, 0n],
      ]),
    ).toBe(0);
  });
});

describe("polyValue", () => {
  it("is Σ_j c_j·t^j·2^(w(d−j)) of the input's segment, and refuses inputs outside [lo, lo + 2^B)", () => {
    const p = {
      lo: -8n,
      offBits: 2,
      coef: [
        [1n, 2n, 3n],
        [-4n, 5n, -6n],
        [7n, 0n, 1n],
        [0n, 0n, 9n],
      ],
    };
    for (let x = -8n; x < 8n; x++) {
      const u = x + 8n;
      const c = p.coef[Number(u >> 2n)] as bigint[];
      const t = u & 3n;
      expect(polyValue(p, x)).toBe(
        (c[0] as bigint) * 16n + (c[1] as bigint) * t * 4n + (c[2] as bigint) * t * t,
      );
    }
    expect(() => polyValue(p, -9n)).toThrow(RangeError);
    expect(() => polyValue(p, 8n)).toThrow(RangeError);
  });

  it("the double-precision path of polyValues equals the bigint one", () => {
    const q = { lo: -300n, count: 600n, inScale: 6, segBits: 3, offBits: 7 };
    const fit = fitSegments(Math.tanh, { ...q, degree: 3, outScale: 10 });
    const fast = polyValues(q, fit.coef);
    fast.forEach((y, u) => {
      expect(y).toBe(polyValue({ lo: q.lo, offBits: q.offBits, coef: fit.coef }, q.lo + BigInt(u)));
    });
  });
});

describe("fitting", () => {
  it("minimax beats least squares on the max error, and the measured error is every input's", () => {
    const pts: [number, number][] = Array.from({ length: 200 }, (_, i) => [i / 200, Math.exp(3 * (i / 200))]);
    const maxRes = (c: number[]) =>
      Math.max(...pts.map(([x, y]) => Math.abs(c.reduce((a, cj, j) => a + cj * x ** j, 0) - y)));
    const ls = maxRes(
      fitFloat(
        Float64Array.from(pts, (p) => p[1]),
        { lo: 0n, count: 200n, inScale: 0, segBits: 0, offBits: 8 },
        2,
      )[0] ?? [],
    );
    expect(maxRes(minimax(pts, 2))).toBeLessThanOrEqual(ls);

    const q = { lo: -512n, count: 1024n, inScale: 7, segBits: 3, offBits: 7 };
    const values = sampleDomain(sigmoid, q);
    const fit = quantizeFit(values, q, fitFloat(values, q, 2), 8, 4);
    let e = 0;
    for (let u = 0; u < 1024; u++) {
      const y = polyValue({ lo: q.lo, offBits: q.offBits, coef: fit.coef }, q.lo + BigInt(u));
      e = Math.max(e, Math.abs(Number(y) / 2 ** fit.scale - sigmoid((Number(q.lo) + u) / 128)));
    }
    expect(fit.maxError).toBe(e);
    expect(fit.scale).toBe(8 + 4 + 7 * 2);
  });

  it("the Lipschitz estimate bounds every secant slope", () => {
    const v = Array.from({ length: 100 }, (_, i) => Math.sin(i / 10));
    const L = lipschitz(v, 0);
    for (let i = 0; i + 1 < v.length; i++)
      expect(Math.abs((v[i + 1] as number) - (v[i] as number))).toBeLessThanOrEqual(L);
    expect(L).toBeGreaterThanOrEqual(0.099);
  });
});

describe("choosePoly", () => {
  it("meets the target with the cheapest configuration tried exhaustively", () => {
    const x = { lo: -256n, hi: 255n, scale: 6 };
    const target = 2 ** -9;
    const c = choosePoly(Math.tanh, x, 8, target);
    expect(c.fit.maxError).toBeLessThanOrEqual(target);
    // no (segments, degree, guard) meets the target more cheaply
    for (let segBits = 0; segBits <= 6; segBits++) {
      for (let degree = 1; degree <= 4; degree++) {
        const q = { lo: x.lo, count: 512n, inScale: 6, segBits, offBits: 9 - segBits };
        const values = sampleDomain(Math.tanh, q);
        const real = fitFloat(values, q, degree);
        for (let g = 1; g <= 12; g++) {
          const fit = quantizeFit(values, q, real, 8, g);
          if (fit.maxError > target) continue;
          const k = fit.scale - 8;
          const cost =
            9 +
            selectionCoefficients(fit.coef).monomials.length +
            hornerProducts(fit.coef) +
            Math.max(k + 2, bitsSigned(fit.min, fit.max)) +
            2;
          expect(cost, `2^${segBits} segments, degree ${degree}, guard ${g}`).toBeGreaterThanOrEqual(c.cost);
          break;
        }
      }
    }
  });

  it("puts an alignment point on a segment boundary", () => {
    const kink = (v: number) => Math.abs(v) * 0.25 + Math.exp(-v * v);
    const c = choosePoly(kink, { lo: -300n, hi: 500n, scale: 7 }, 8, 2 ** -9, { align: 0 });
    expect(c.segBits).toBeGreaterThan(0);
    expect(-c.lo % (1n << BigInt(c.offBits))).toBe(0n);
    expect(c.lo).toBeLessThanOrEqual(-300n);
    expect(c.fit.maxError).toBeLessThanOrEqual(2 ** -9);
  });
});

describe("approximate", () => {
  const node: GraphNode = {
    index: 0,
    name: "n",
    opType: "Test",
    domain: "",
    inputs: ["x"],
    outputs: ["y"],
    attrs: new Map(),
  };
  function setup(lo: bigint, hi: bigint, scale: number) {
    const builder = new PlanBuilder();
    const ctx = new LowerCtx(builder, node, [], { inputScale: 8, paramScale: 12 });
    const x: QTensor = builder.newTensor({
      onnxName: "x",
      shape: [1],
      scale,
      lo: [lo],
      hi: [hi],
      err: Float64Array.of(0),
    });
    builder.plan.inputs.push({ kind: "input", out: x.id, lo, bits: 64, visibility: "public" });
    return { builder, ctx, x };
  }

  /** The plan (rescale, clamp, poly, rescale) evaluated on every input equals `at`, within y's bounds. */
  function agrees(lo: bigint, hi: bigint, scale: number, opts: Parameters<typeof approximate>[3]) {
    const { builder, ctx, x } = setup(lo, hi, scale);
    const a = approximate(ctx, x, sigmoid, opts);
    builder.plan.nodes.push(ctx.finish([[1]], [{ kind: "signal", q: a.y }]));
    for (let v = lo; v <= hi; v += 1n + (hi - lo) / 700n) {
      const y = evaluatePlan(builder.plan, [[v]])[a.y.id]?.[0] as bigint;
      expect(y, `x = ${v}`).toBe(a.at(v));
      expect(y >= (a.y.lo[0] as bigint) && y <= (a.y.hi[0] as bigint)).toBe(true);
      expect(Math.abs(Number(y) / 2 ** a.y.scale - sigmoid(Number(v) / 2 ** scale))).toBeLessThanOrEqual(
        (a.y.err[0] as number) + 1e-12,
      );
    }
    return { a, prims: ctx.prims };
  }

  it("a range inside the domain: one poly and its rescale; inputs finer than the working scale are rescaled first", () => {
    expect(agrees(-600n, 600n, 8, { domain: [-8, 8], openHigh: true }).prims.map((p) => p.kind)).toEqual([
      "poly",
      "rescale",
    ]);
    const fine = agrees(-6000n, 6000n, 11, { domain: [-8, 8], openHigh: true });
    expect(fine.prims.map((p) => p.kind)).toEqual(["rescale", "poly", "rescale"]);
  });

  it("a range wider than one decomposition: clamped (a Max2 per side) to the domain", () => {
    const { a, prims } = agrees(-(2n ** 20n), 2n ** 20n, 8, { domain: [-8, 8], openHigh: true });
    expect(prims.filter((p) => p.kind === "max")).toHaveLength(2);
    expect(a.clampError).toBeGreaterThan(0);
    // the upper end is 8 − 2^-8 (open domain): 1 − σ(8 − 2^-8)
    expect(a.clampError).toBeCloseTo(sigmoid(-8 + 2 ** -8), 6);
  });

  it("a range a little wider than the domain: the cheaper of clamping and one wider polynomial", () => {
    const { a, prims } = agrees(-2600n, 2600n, 8, { domain: [-8, 8], openHigh: true });
    const clamped = prims.some((p) => p.kind === "max");
    const poly = prims.find((p): p is PolyPrim => p.kind === "poly");
    const polyCost = poly ? primConstraints(poly, 1) : 0;
    expect(polyCost).toBeGreaterThan(0);
    // whichever was chosen, its total is what the plan costs
    const total = prims.reduce((s, p) => s + primConstraints(p, 1), 0);
    expect(total).toBe(
      a.choice.cost + (clamped ? clampConstraints({ ...a.y, lo: [-2600n], hi: [2600n] }, -2048n, 2047n) : 0),
    );
  });

  it("the output rescale rounds the poly value (roundShift by scale − output scale)", () => {
    const { a } = agrees(-100n, 100n, 8, {});
    const k = a.choice.fit.scale - a.y.scale;
    const p = { lo: a.choice.lo, offBits: a.choice.offBits, coef: a.choice.fit.coef };
    expect(a.at(7n)).toBe(roundShift(polyValue(p, 7n), k));
  });
});

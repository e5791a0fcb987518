import { describe, expect, it } from "vitest";
import type { PolyPrim, RescalePrim } from "../../src/3-lower/ir.js";
import {
  type BoundsCase,
  type BoundsCircuit,
  expectPinned,
  nodePrims,
  runCase,
  tensorId,
} from "./harness.js";
import { attr, graph, type Node } from "./models.js";

/**
 * Non-linear activations: a piecewise polynomial fitted over the bounded range of its input (clamped to
 * a flat tail where that is cheaper), or exact constructions whose sides are skipped where the bounds
 * rule them out. Both choices are made from the bounds, so they must be the enforced ones: x calibrated
 * to [-1, 1] is enforced to [-1, 3) here, and m = 6x reaches 18 where the calibration says 6.
 */

/** Every poly of node `name` covers the bounds of its input (which the samples visit at both ends). */
function polyCovers(c: BoundsCircuit, name: string): void {
  const polys = nodePrims(c, name).filter((p): p is PolyPrim => p.kind === "poly");
  expect(polys.length, `${name} has a polynomial`).toBeGreaterThan(0);
  for (const p of polys) {
    const x = c.plan.tensors[p.in];
    const top = p.lo + (1n << BigInt(p.segBits + p.offBits)) - 1n;
    x?.lo.forEach((l, i) => {
      const h = x.hi[i] as bigint;
      expect(l >= p.lo && h <= top, `${name}: input [${l}, ${h}] within the domain [${p.lo}, ${top}]`).toBe(
        true,
      );
    });
  }
}

const of = (op: string, src: string, out: string, attrs = {}): Node => [op, [src], [out], attrs];
const outs = (n: number) => Array.from({ length: n }, (_, i) => [`y${i}`, [4]] as [string, number[]]);

const cases: BoundsCase[] = [
  {
    name: "Sigmoid, Tanh, Erf, Softsign of 6x; HardSigmoid of x",
    model: graph({
      inputs: [["x", [4]]],
      consts: [["k", [1], [6]]],
      nodes: [
        ["Mul", ["x", "k"], ["m"]],
        of("Sigmoid", "m", "y0"),
        of("Tanh", "m", "y1"),
        of("Erf", "m", "y2"),
        of("Softsign", "m", "y3"),
        of("HardSigmoid", "x", "y4", { alpha: attr.float(0.25), beta: attr.float(0.5) }),
      ],
      outputs: outs(5),
    }),
    shortcut: async (c, valid) => {
      for (const n of ["n1", "n2", "n3"]) polyCovers(c, n);
      // Softsign divides by 2^(s+1) + 2|x|, proven >= 2^(s+1) from |x| = 2·relu(x) − x: the ReLU is pinned
      const relu = nodePrims(c, "n4").find((p): p is RescalePrim => p.kind === "rescale" && p.relu);
      expect(relu).toBeDefined();
      await expectPinned(c, valid, c.plan.tensors[relu?.out ?? -1]?.onnxName ?? "");
      // HardSigmoid(x) = clamp(x/4 + 1/2, 0, 1): over the calibrated x ∈ [-1, 1] both clamps could be
      // skipped; the enforced x reaches 3, so the upper one is kept (x >= -1, enforced, skips the lower)
      const hs = nodePrims(c, "n5").filter((p): p is RescalePrim => p.kind === "rescale" && p.relu);
      expect(hs.map((p) => c.plan.tensors[p.out]?.onnxName)).toEqual(["y4/high"]);
    },
  },
  {
    name: "Exp, Log of Exp, Softplus, LeakyRelu, Elu, Gelu",
    model: graph({
      inputs: [["x", [4]]],
      consts: [["k", [1], [6]]],
      nodes: [
        ["Mul", ["x", "k"], ["m"]],
        of("Exp", "x", "y0"),
        of("Log", "y0", "y1"),
        of("Softplus", "m", "y2"),
        of("LeakyRelu", "m", "y3", { alpha: attr.float(0.1) }),
        of("Elu", "m", "y4", { alpha: attr.float(0.5) }),
        of("Gelu", "m", "y5"),
      ],
      outputs: outs(6),
      opset: 20,
    }),
    shortcut: async (c, valid) => {
      for (const n of ["n1", "n2", "n3", "n6"]) polyCovers(c, n);
      // Log needs its input proven positive: exp(x) >= e^-1 because x >= -1 is enforced, and the Exp
      // output is pinned by its own constraints
      expect(c.plan.tensors[tensorId(c.plan, "y0")]?.lo.every((l) => l >= 1n)).toBe(true);
      await expectPinned(c, valid, "y0");
    },
  },
  {
    name: "Log of an input proven positive",
    model: graph({ inputs: [["x", [4]]], nodes: [of("Log", "x", "y")], outputs: [["y", [4]]] }),
    // calibrated [0.1, 1] at 2^7 is [13, 128]; enforced [13, 140]: still positive, and the log is fitted there
    opts: { inputRange: [0.1, 1] },
    shortcut: async (c) => {
      expect([c.inputs[0]?.lo, c.inputs[0]?.top]).toEqual([13n, 140n]);
      polyCovers(c, "n0");
    },
  },
];

describe("bounds over the enforced range: activations", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_, cs) => {
    await runCase(cs);
  });
});

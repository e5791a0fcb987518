import { describe, expect, it } from "vitest";
import type { GraphNode } from "../../1-decode/graph.js";
import type { QTensor } from "../ir.js";
import { LowerCtx, PlanBuilder } from "../lower.js";
import { div, floorDiv } from "./div.js";

const node: GraphNode = {
  index: 0,
  name: "d",
  opType: "Div",
  domain: "",
  inputs: [],
  outputs: ["y"],
  attrs: new Map(),
};

function setup(): { ctx: LowerCtx; t: (lo: bigint, hi: bigint) => QTensor } {
  const b = new PlanBuilder();
  const ctx = new LowerCtx(b, node, [], { inputScale: 7, paramScale: 7 });
  const t = (lo: bigint, hi: bigint) =>
    b.newTensor({ onnxName: "t", shape: [1], scale: 0, lo: [lo], hi: [hi], err: new Float64Array(1) });
  return { ctx, t };
}

describe("div prim", () => {
  it("floorDiv rounds toward −∞", () => {
    expect([floorDiv(7n, 2n), floorDiv(-7n, 2n), floorDiv(-8n, 2n), floorDiv(0n, 5n)]).toEqual([
      3n,
      -4n,
      -4n,
      0n,
    ]);
  });

  it("bounds the quotient at the corners of the operand intervals and sizes the checks from them", () => {
    const { ctx, t } = setup();
    const q = div(ctx, t(-100n, 50n), t(3n, 7n), 0, new Float64Array(1));
    expect([q.lo[0], q.hi[0]]).toEqual([-34n, 16n]);
    const p = ctx.prims.at(-1);
    expect(p?.kind === "div" && [p.qlo[0], p.qBits[0], p.rBits[0]]).toEqual([-34n, 6, 3]);
  });

  it("refuses a divisor that can be < 1 and a division beyond the field-safe width", () => {
    const { ctx, t } = setup();
    expect(() => div(ctx, t(0n, 5n), t(0n, 5n), 0, new Float64Array(1))).toThrow(/divisor/);
    // quotient ~2^200 wide, divisor 2^60: 201 + 61 + 201 + 2 > 252
    expect(() => div(ctx, t(-(2n ** 200n), 2n ** 200n), t(1n, 2n ** 60n), 0, new Float64Array(1))).toThrow(
      expect.objectContaining({
        code: "field-overflow",
        message: expect.stringMatching(/beyond the 252-bit/),
      }),
    );
  });
});

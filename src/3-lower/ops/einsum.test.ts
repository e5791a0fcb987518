import { describe, expect, it } from "vitest";
import { checkAgainstFloat, checkCircuit, rng, singleOp, uniform } from "../../../test/support/op-check.js";
import { attr } from "../../1-decode/onnx-builder.js";

const r = rng(28);
const size = (s: number[]) => s.reduce((p, d) => p * d, 1);

function model(eq: string, shapes: number[][], out: number[]) {
  return singleOp({
    op: "Einsum",
    inputs: shapes.map((s, i) => [`x${i}`, s] as [string, number[]]),
    attrs: { equation: attr.string(eq) },
    output: out,
    opset: 12,
  });
}

async function check(eq: string, shapes: number[][], out: number[]) {
  const s = Array.from({ length: 3 }, () => shapes.map((sh) => uniform(r, size(sh))));
  const { plan } = await checkAgainstFloat(model(eq, shapes, out), s);
  expect(plan.tensors.at(-1)?.shape, eq).toEqual(out);
  return plan;
}

describe("Einsum", () => {
  it("the ONNX node tests' equations: batch diagonal, batch matmul, inner product, sum, transpose, scalar", async () => {
    await check("...ii ->...i", [[3, 5, 5]], [3, 5]);
    await check(
      "bij, bjk -> bik",
      [
        [5, 2, 3],
        [5, 3, 4],
      ],
      [5, 2, 4],
    );
    await check("i,i", [[5], [5]], []);
    await check("ij->i", [[3, 4]], [3]);
    await check("ij->ji", [[3, 4]], [4, 3]);
    await check("->", [[]], []);
  });

  it("matmul, trace, total sum, outer product, bilinear form with a constant, implicit output", {
    tags: ["heavy"],
  }, async () => {
    await check(
      "ij,jk->ik",
      [
        [2, 3],
        [3, 4],
      ],
      [2, 4],
    );
    await check("ii->", [[4, 4]], []);
    await check("ij->", [[3, 4]], []);
    await check("i,j->ij", [[3], [4]], [3, 4]);
    await check(
      "ji,jk",
      [
        [3, 2],
        [3, 4],
      ],
      [2, 4],
    );
    await check(
      "bn,anm,bm->ba",
      [
        [2, 3],
        [4, 3, 3],
        [2, 3],
      ],
      [2, 4],
    );
    const bilinear = singleOp({
      op: "Einsum",
      inputs: [
        ["u", [2, 3]],
        ["v", [2, 3]],
      ],
      weights: [["W", [4, 3, 3], uniform(r, 36)]],
      nodeInputs: ["u", "W", "v"],
      attrs: { equation: attr.string("bn,anm,bm->ba") },
      output: [2, 4],
      opset: 12,
    });
    const s = Array.from({ length: 3 }, () => [uniform(r, 6), uniform(r, 6)]);
    await checkAgainstFloat(bilinear, s);
    // x·W is free; (xW)·y: 2·4·3 products after rescaling xW (scale 14) to the working scale
    await checkCircuit(bilinear, s.slice(0, 1));
  });

  it("costs one constraint per product and sums operands' private labels first", {
    tags: ["heavy"],
  }, async () => {
    const dot = model("i,i->", [[5], [5]], []);
    const s = [[uniform(r, 5), uniform(r, 5)]];
    expect((await checkCircuit(dot, s)).constraints).toBe(10 * 9 + 5);
    // "ij,kl->": (Σx)(Σy), one product
    const sums = model(
      "ij,kl->",
      [
        [2, 2],
        [2, 2],
      ],
      [],
    );
    expect((await checkCircuit(sums, [[uniform(r, 4), uniform(r, 4)]])).constraints).toBe(8 * 9 + 1);
  });

  it("rejects malformed equations and mismatched sizes", async () => {
    const bad = async (eq: string, shapes: number[][], code: string) =>
      expect(checkAgainstFloat(model(eq, shapes, [1]), [])).rejects.toMatchObject({ code });
    await bad("ij,jk", [[2, 3]], "bad-attribute");
    await bad("ij->k", [[2, 3]], "bad-attribute");
    await bad("ij->ii", [[2, 3]], "bad-attribute");
    await bad("i1->i", [[2, 3]], "bad-attribute");
    await bad("ijk->i", [[2, 3]], "bad-shape");
    await bad(
      "ij,jk->ik",
      [
        [2, 3],
        [4, 2],
      ],
      "bad-shape",
    );
  });
});

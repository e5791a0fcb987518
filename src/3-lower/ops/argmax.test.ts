import { describe, expect, it } from "vitest";
import { witnessMutations } from "../../../test/support/mutations.js";
import { checkAgainstFloat, checkCircuit, rng, uniform } from "../../../test/support/op-check.js";
import { exactOutputs, typedModel } from "../../../test/support/typed-model.js";
import { type AttrValue, attr, DataType } from "../../1-decode/onnx-builder.js";

const r = rng(41);
const I64 = DataType.INT64;
/** Values on the 2^-7 grid in [-1, 1) from a few levels, so ties are frequent and quantization exact. */
const grid = (n: number, levels = 4) =>
  Float64Array.from({ length: n }, () => (Math.floor(r() * levels) - levels / 2) / 8);

/** numpy-style argmax along `axis` of a row-major tensor (first or last index on ties). */
function argmax(x: Float64Array, shape: number[], axis: number, last: boolean): number[] {
  const k = shape[axis] as number;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const out: number[] = [];
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      let best = 0;
      for (let t = 1; t < k; t++) {
        const v = x[(o * k + t) * inner + i] as number;
        const b = x[(o * k + best) * inner + i] as number;
        if (v > b || (last && v === b)) best = t;
      }
      out.push(best);
    }
  return out;
}

describe("ArgMax", () => {
  for (const last of [0, 1]) {
    it(`select_last_index=${last}: exact on ties, equal to onnxruntime and to numpy's rule`, async () => {
      const shape = [3, 5];
      const m = typedModel({
        op: "ArgMax",
        inputs: [["x", shape]],
        attrs: { axis: attr.int(1), select_last_index: attr.int(last) },
        outputs: [I64],
      });
      const s = Array.from({ length: 12 }, (_, t) => [t === 0 ? new Float64Array(15).fill(0.5) : grid(15)]);
      const { circuit, float } = await exactOutputs(m, s);
      s.forEach((x, t) => {
        expect(circuit[t]?.[0]).toEqual(argmax(x[0] as Float64Array, shape, 1, last === 1));
        expect(circuit[t]).toEqual(float[t]);
      });
    });
  }

  it("costs K − 1 Max2 (10-bit differences + 1) and 2·(K − 1) per output; the witness is pinned", {
    tags: ["heavy"],
  }, async () => {
    const m = typedModel({
      op: "ArgMax",
      inputs: [["x", [2, 5]]],
      attrs: { axis: attr.int(-1) },
      outputs: [I64],
    });
    const s = [[grid(10)], [uniform(r, 10)]];
    const { plan } = await checkAgainstFloat(m, s);
    expect(plan.outputs[0]?.shape).toEqual([2, 1]);
    expect((await checkCircuit(m, s)).constraints).toBe(10 * 9 + 2 * (4 * 11 + 2 * 4));
    // every signal but the inputs is fixed by them (IsZero's inverse hint is free only when its input is 0)
    const survivors = await witnessMutations(m, [[Float64Array.of(0.25, -1, 0.25, 0.5, 0.5, 0, 0, 0, 0, 0)]]);
    expect(survivors.filter((n) => !n.endsWith(".inv"))).toEqual([]);
  });

  it("default axis 0, keepdims 0; an axis of size 1 gives constant zeros", async () => {
    const m = typedModel({
      op: "ArgMax",
      inputs: [["x", [4, 3]]],
      attrs: { keepdims: attr.int(0) },
      outputs: [I64],
    });
    const s = Array.from({ length: 6 }, () => [grid(12, 8)]);
    const { circuit, float } = await exactOutputs(m, s);
    expect(circuit).toEqual(float);
    const { plan } = await checkAgainstFloat(m, [[uniform(r, 12)]]);
    expect(plan.outputs[0]?.shape).toEqual([3]);
    const one = typedModel({ op: "ArgMax", inputs: [["x", [1, 3]]], outputs: [I64] });
    await expect(checkAgainstFloat(one, [])).rejects.toMatchObject({ code: "unsupported-op" }); // a constant graph output
  });

  it("rejects bad attributes", async () => {
    const bad: Record<string, AttrValue>[] = [
      { axis: attr.int(2) },
      { select_last_index: attr.int(2) },
      { keepdims: attr.int(5) },
    ];
    for (const attrs of bad) {
      const m = typedModel({ op: "ArgMax", inputs: [["x", [2, 3]]], attrs, outputs: [I64] });
      await expect(checkAgainstFloat(m, [])).rejects.toMatchObject({ code: "bad-attribute" });
    }
  });
});

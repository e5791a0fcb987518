import { describe, expect, it } from "vitest";
import {
  checkAgainstFloat,
  checkCircuit,
  FIXED,
  rng,
  singleOp,
  uniform,
} from "../../../test/support/op-check.js";
import { evaluatePlan } from "../evaluate.js";

const r = rng(27);
// [-4, 4] at 2^7 is [-512, 512]: an 11-bit private range check, so x ∈ [-512, 1535]
const WIDE = { ...FIXED, inputRange: [-4, 4] as [number, number] };

/** Half-to-even rounding of x / 128 (the specification). */
function halfEven(x: bigint): bigint {
  const f = x >= 0n ? x / 128n : -((-x + 127n) / 128n);
  const rem = x - f * 128n;
  return rem > 64n || (rem === 64n && f % 2n !== 0n) ? f + 1n : f;
}

describe("Round", () => {
  it("rounds half to even exactly, like onnxruntime (the ONNX node test's values)", {
    tags: ["heavy"],
  }, async () => {
    const m = singleOp({ op: "Round", inputs: [["x", [15]]], output: [15], opset: 11 });
    const node = Float64Array.from([
      0.1, 0.5, 0.9, 1.2, 1.5, 1.8, 2.3, 2.5, 2.7, -1.1, -1.5, -1.9, -2.2, -2.5, -2.8,
    ]);
    const s = [[node], ...Array.from({ length: 10 }, () => [uniform(r, 15, -4, 4)])];
    const { plan } = await checkAgainstFloat(m, s, WIDE);
    expect(plan.tensors.at(-1)?.scale).toBe(0);
    const xs = Array.from({ length: 1024 }, (_, i) => BigInt(i - 512));
    const wide = singleOp({ op: "Round", inputs: [["x", [1024]]], output: [1024] });
    const w = await checkAgainstFloat(wide, [], WIDE);
    expect(evaluatePlan(w.plan, [xs]).at(-1)).toEqual(xs.map(halfEven));
    // 2x − 127 ∈ [-1151, 2943] (13 bits) rescaled by 2^9: 13 + 2; the tie test: 7 + 2 bits
    expect((await checkCircuit(m, s.slice(0, 2), WIDE)).constraints).toBe(15 * (11 + 15 + 9));
  });
});

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

const r = rng(26);
// [-4, 4] at 2^7 is [-512, 512]: an 11-bit private range check, so x ∈ [-512, 1535]
const WIDE = { ...FIXED, inputRange: [-4, 4] as [number, number] };

describe("Ceil", () => {
  it("is exact on the fixed-point values, at scale 0", { tags: ["heavy"] }, async () => {
    const m = singleOp({ op: "Ceil", inputs: [["x", [8]]], output: [8] });
    const s = Array.from({ length: 10 }, () => [uniform(r, 8, -4, 4)]);
    const { plan } = await checkAgainstFloat(m, s, WIDE);
    expect(plan.tensors.at(-1)?.scale).toBe(0);
    const xs = [-512n, -129n, -128n, -127n, -1n, 0n, 1n, 511n];
    const v = evaluatePlan(plan, [xs]).at(-1);
    expect(v).toEqual(xs.map((x) => (x <= 0n ? -(-x / 128n) : (x + 127n) / 128n)));
    // −2x − 127 ∈ [-3197, 897]: 13 bits, rescaled by 2^8: 13 + 2
    expect((await checkCircuit(m, s.slice(0, 2), WIDE)).constraints).toBe(8 * (11 + 15));
  });
});

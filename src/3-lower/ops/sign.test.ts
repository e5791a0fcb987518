import { describe, expect, it } from "vitest";
import { checkAgainstFloat, checkCircuit, rng, singleOp, uniform } from "../../../test/support/op-check.js";
import { evaluatePlan } from "../evaluate.js";

const r = rng(20);

describe("Sign", () => {
  it("is −1, 0 or 1 at scale 0: N + 2 constraints per element", { tags: ["heavy"] }, async () => {
    const m = singleOp({ op: "Sign", inputs: [["x", [11]]], output: [11] });
    const s = [
      [Float64Array.from([-1, -0.5, -0.01, 0, 0.001, 0.01, 0.5, 1, 0.99, -0, 0.3])],
      ...Array.from({ length: 10 }, () => [uniform(r, 11)]),
    ];
    const { plan } = await checkAgainstFloat(m, s);
    const out = plan.tensors.at(-1);
    expect(out?.scale).toBe(0);
    // 0.001 quantizes to 0 at 2^7, so its sign is 0 there (within the error bound of 2 near zero)
    const v = evaluatePlan(plan, [[-128n, -64n, -1n, 0n, 0n, 1n, 64n, 128n, 383n, 0n, 38n]]).at(-1);
    expect(v).toEqual([-1n, -1n, -1n, 0n, 0n, 1n, 1n, 1n, 1n, 0n, 1n]);
    expect((await checkCircuit(m, s.slice(0, 2))).constraints).toBe(11 * (9 + 10 + 2));
  });
});

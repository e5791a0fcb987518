import { describe, expect, it } from "vitest";
import { circomOptimization } from "./systems.js";

describe("circom optimization level", () => {
  it("O2 for Groth16, O1 for PLONK and FFLONK, and O1 for any system once a recurrence is unrolled", () => {
    expect(circomOptimization("groth16")).toBe(2);
    expect(circomOptimization("plonk")).toBe(1);
    expect(circomOptimization("fflonk")).toBe(1);
    expect(circomOptimization("groth16", true)).toBe(1);
  });
});

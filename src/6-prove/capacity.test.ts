import { describe, expect, it } from "vitest";
import { CIRCOM_WALL, provePeakBytes, sizeLimit } from "./capacity.js";
import { MAX_POWER } from "./ptau.js";

const GiB = 2 ** 30;

describe("sizeLimit", () => {
  it("Groth16 (direct): the largest domain whose predicted prover peak fits in the machine's memory", () => {
    for (const memory of [3 * GiB, 24 * GiB, 64 * GiB]) {
      const l = sizeLimit("groth16", "direct", memory);
      const power = l.power as number;
      expect(l.constraints).toBe(2 ** power - 1);
      expect(provePeakBytes(power)).toBeLessThanOrEqual(memory);
      expect(provePeakBytes(power + 1)).toBeGreaterThan(0.85 * memory);
      expect(l.why).toContain(`2^${power + 1}`);
      expect(l.hint).toMatch(/--max-constraints/);
    }
    // This project's machine (24 GiB, 23.5 usable): 2^23, the largest size bench/scale.ts proved here
    // (16.84 GiB); 2^24 extrapolates to about 37 GiB.
    expect(sizeLimit("groth16", "direct", 23.54 * GiB).power).toBe(23);
    expect(provePeakBytes(23)).toBe(16.84 * GiB);
    expect(provePeakBytes(24) / GiB).toBeCloseTo(37.2, 1);
    // More memory, a larger limit; never past the curve's largest FFT domain.
    expect(sizeLimit("groth16", "direct", 64 * GiB).constraints).toBeGreaterThan(
      sizeLimit("groth16", "direct", 24 * GiB).constraints,
    );
    expect(sizeLimit("groth16", "direct", 2 ** 50).power).toBe(MAX_POWER);
  });

  it("circom: its WebAssembly wall whatever the memory, with the direct backend as the hint for Groth16", () => {
    const g = sizeLimit("groth16", "circom", 64 * GiB);
    expect(g.constraints).toBe(CIRCOM_WALL);
    expect(g.power).toBeUndefined();
    expect(g.hint).toMatch(/omit --backend circom/);
    expect(sizeLimit("plonk", "circom").hint).toMatch(/--system groth16/);
  });
});

import { describe, expect, it } from "vitest";
import { bitsSigned, bitsUnsigned, rescaleRelu, roundShift } from "./rounding.js";

/** Independent reference: truncating division, then compare twice the remainder with the divisor. */
function refRound(x: bigint, k: number): bigint {
  const d = 1n << BigInt(k);
  const q = x / d; // truncates toward zero
  const r = x - q * d; // same sign as x
  const twice = 2n * (r < 0n ? -r : r);
  if (twice < d) return q;
  return x < 0n ? q - 1n : q + 1n; // tie or more: away from zero
}

/** Deterministic 64-bit LCG, so failures reproduce. */
function rng(seed: bigint): () => bigint {
  let s = seed;
  return () => {
    s = (s * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
    return s;
  };
}

function randomBits(next: () => bigint, bits: number): bigint {
  let v = 0n;
  for (let i = 0; i < bits; i += 64) v = (v << 64n) | next();
  return v & ((1n << BigInt(bits)) - 1n);
}

describe("roundShift", () => {
  it("k = 0 is the identity", () => {
    for (const x of [0n, 1n, -1n, 12345n, -(1n << 200n)]) expect(roundShift(x, 0)).toBe(x);
  });

  it("k = 1: ties of both signs go away from zero", () => {
    expect(roundShift(1n, 1)).toBe(1n); // 0.5
    expect(roundShift(-1n, 1)).toBe(-1n); // -0.5
    expect(roundShift(3n, 1)).toBe(2n); // 1.5
    expect(roundShift(-3n, 1)).toBe(-2n); // -1.5
    expect(roundShift(2n, 1)).toBe(1n);
    expect(roundShift(-2n, 1)).toBe(-1n);
    expect(roundShift(0n, 1)).toBe(0n);
  });

  it("k = 5: ties, just below and just above", () => {
    // 16 / 32 = 0.5
    expect(roundShift(16n, 5)).toBe(1n);
    expect(roundShift(-16n, 5)).toBe(-1n);
    expect(roundShift(15n, 5)).toBe(0n);
    expect(roundShift(-15n, 5)).toBe(0n);
    expect(roundShift(17n, 5)).toBe(1n);
    expect(roundShift(-17n, 5)).toBe(-1n);
    // 48 / 32 = 1.5, 80 / 32 = 2.5
    expect(roundShift(48n, 5)).toBe(2n);
    expect(roundShift(-48n, 5)).toBe(-2n);
    expect(roundShift(80n, 5)).toBe(3n);
    expect(roundShift(-80n, 5)).toBe(-3n);
    expect(roundShift(47n, 5)).toBe(1n);
    expect(roundShift(-47n, 5)).toBe(-1n);
  });

  it("matches the reference exhaustively on small values", () => {
    for (const k of [1, 2, 3, 5, 8]) {
      for (let x = -2000n; x <= 2000n; x++) {
        expect(roundShift(x, k)).toBe(refRound(x, k));
        expect(rescaleRelu(x, k)).toBe(refRound(x, k) > 0n ? refRound(x, k) : 0n);
      }
    }
  });

  it("is odd: roundShift(-x) = -roundShift(x)", () => {
    for (const k of [1, 4, 7])
      for (let x = 0n; x < 600n; x++) expect(roundShift(-x, k)).toBe(-roundShift(x, k));
  });

  it("large values near 2^200 (ties and random)", () => {
    for (const k of [1, 5, 64, 199]) {
      const d = 1n << BigInt(k);
      const h = d >> 1n;
      const q = (1n << 200n) / d + 3n;
      // exact tie q + 1/2, both signs
      expect(roundShift(q * d + h, k)).toBe(q + 1n);
      expect(roundShift(-(q * d + h), k)).toBe(-(q + 1n));
      expect(roundShift(q * d + h - 1n, k)).toBe(q);
      expect(roundShift(-(q * d + h - 1n), k)).toBe(-q);
      expect(roundShift(q * d, k)).toBe(q);
      expect(roundShift(-q * d, k)).toBe(-q);
    }
    const next = rng(42n);
    for (let i = 0; i < 2000; i++) {
      const k = Number(next() % 220n);
      let x = randomBits(next, 201);
      if (next() & 1n) x = -x;
      expect(roundShift(x, k)).toBe(refRound(x, k));
    }
  });

  it("rejects negative or fractional k", () => {
    expect(() => roundShift(1n, -1)).toThrow(RangeError);
    expect(() => roundShift(1n, 1.5)).toThrow(RangeError);
  });
});

describe("rescaleRelu", () => {
  it("zeroes negatives, including negative ties", () => {
    expect(rescaleRelu(-16n, 5)).toBe(0n);
    expect(rescaleRelu(-17n, 5)).toBe(0n);
    expect(rescaleRelu(16n, 5)).toBe(1n);
    expect(rescaleRelu(-5n, 0)).toBe(0n);
    expect(rescaleRelu(5n, 0)).toBe(5n);
    expect(rescaleRelu((1n << 200n) + (1n << 9n), 10)).toBe((1n << 190n) + 1n);
  });
});

describe("bitsUnsigned", () => {
  it("is the smallest n with value < 2^n", () => {
    expect(bitsUnsigned(0n)).toBe(0);
    expect(bitsUnsigned(1n)).toBe(1);
    expect(bitsUnsigned(2n)).toBe(2);
    expect(bitsUnsigned(3n)).toBe(2);
    expect(bitsUnsigned(4n)).toBe(3);
    expect(bitsUnsigned(255n)).toBe(8);
    expect(bitsUnsigned(256n)).toBe(9);
    expect(bitsUnsigned((1n << 200n) - 1n)).toBe(200);
    expect(bitsUnsigned(1n << 200n)).toBe(201);
    expect(() => bitsUnsigned(-1n)).toThrow(RangeError);
  });
});

describe("bitsSigned", () => {
  function fits(lo: bigint, hi: bigint, n: number): boolean {
    const b = 1n << BigInt(n - 1);
    return lo >= -b && hi < b;
  }

  it("known values", () => {
    expect(bitsSigned(0n, 0n)).toBe(1);
    expect(bitsSigned(-1n, 0n)).toBe(1);
    expect(bitsSigned(0n, 1n)).toBe(2);
    expect(bitsSigned(-2n, 1n)).toBe(2);
    expect(bitsSigned(-3n, 1n)).toBe(3);
    expect(bitsSigned(-128n, 127n)).toBe(8);
    expect(bitsSigned(-128n, 128n)).toBe(9);
    expect(bitsSigned(-129n, 127n)).toBe(9);
    expect(bitsSigned(-(1n << 199n), (1n << 199n) - 1n)).toBe(200);
    expect(bitsSigned(5n, 7n)).toBe(4);
    expect(bitsSigned(-7n, -5n)).toBe(4);
    expect(() => bitsSigned(1n, 0n)).toThrow(RangeError);
  });

  it("is minimal on a grid of intervals", () => {
    for (let lo = -70n; lo <= 70n; lo++) {
      for (let hi = lo; hi <= 70n; hi += 3n) {
        const n = bitsSigned(lo, hi);
        expect(fits(lo, hi, n)).toBe(true);
        if (n > 1) expect(fits(lo, hi, n - 1)).toBe(false);
      }
    }
  });
});

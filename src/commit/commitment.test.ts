/**
 * zkmlc-commit-v1 (commitment.ts, docs/COMMITMENT.md): the commitment against a chain built by hand with
 * circomlibjs's Poseidon, the published test vectors, packing at the edges of the range (bits = 1, 8,
 * 252; values at lo and lo + 2^bits − 1), values outside the range refused, domain separation, and the
 * constraint count formula.
 */
import { buildPoseidon, type PoseidonFn } from "circomlibjs";
import { beforeAll, describe, expect, it } from "vitest";
import { P } from "../3-lower/field.js";
import { ZkmlError } from "../errors.js";
import {
  absorb,
  blockCount,
  type CommitTensor,
  commitment,
  commitmentConstraints,
  commitSequence,
  domainTag,
  packedCount,
  packingFactor,
  packTensor,
  sequenceLayout,
} from "./commitment.js";

const pow2 = (k: number): bigint => 1n << BigInt(k);

/** The error a call throws (a ZkmlError), to check its code and message. */
function thrown(f: () => unknown): ZkmlError {
  try {
    f();
  } catch (e) {
    if (e instanceof ZkmlError) return e;
    throw e;
  }
  throw new Error("expected a ZkmlError");
}

/** The test vectors of docs/COMMITMENT.md. */
const VECTOR_1: { tensors: CommitTensor[]; commitment: bigint } = {
  tensors: [{ shape: [2, 2], scale: 4, lo: -8n, bits: 4, values: [-8n, 7n, 0n, 3n] }],
  commitment: 21088703393714024632503891182363072882275725327275979645830024951827488766113n,
};
const VECTOR_2: { tensors: CommitTensor[]; commitment: bigint } = {
  tensors: [
    { shape: [3], scale: 8, lo: -32768n, bits: 16, values: [-32768n, 0n, 32767n] },
    { shape: [2], scale: 0, lo: 0n, bits: 1, values: [1n, 0n] },
  ],
  commitment: 3558184315009164063157926413196564907147584234159412819496798678724863983712n,
};

describe("zkmlc-commit-v1", () => {
  let poseidon: PoseidonFn;
  const hash = (xs: bigint[]) => poseidon.F.toObject(poseidon(xs));
  beforeAll(async () => {
    poseidon = await buildPoseidon();
  });

  it("has the documented domain tags: ASCII 'zkmlc-commit-v1' then the role byte", () => {
    expect(domainTag("input").toString(16)).toBe("7a6b6d6c632d636f6d6d69742d763101");
    expect(domainTag("output")).toBe(domainTag("input") + 1n);
    expect(domainTag("param")).toBe(domainTag("input") + 2n);
    expect(domainTag("param") < P).toBe(true);
  });

  it("equals a chain built by hand with circomlibjs (one block)", () => {
    const S = [domainTag("input"), 1n, 4n, 2n, 2n, 2n, P - 8n, 4n, 0n + 15n * 16n + 8n * 256n + 11n * 4096n];
    expect(commitSequence("input", VECTOR_1.tensors)).toEqual(S);
    const want = hash([0n, ...S, ...new Array<bigint>(15 - S.length).fill(0n)]);
    expect(commitment("input", VECTOR_1.tensors)).toBe(want);
    expect(want).toBe(VECTOR_1.commitment);
  });

  it("equals a chain built by hand with circomlibjs (three blocks, a tensor across block boundaries)", () => {
    const values = Array.from({ length: 700 }, (_, i) => BigInt((i * 13) % 512) - 100n);
    const t: CommitTensor = { shape: [7, 100], scale: 6, lo: -100n, bits: 9, values };
    // 28 values per element: 25 packed elements, 2 + 6 header elements before them.
    const packed = Array.from({ length: 25 }, (_, m) =>
      values.slice(28 * m, 28 * m + 28).reduceRight((e, v) => (e << 9n) + (v + 100n), 0n),
    );
    const S = [domainTag("output"), 1n, 6n, 2n, 7n, 100n, P - 100n, 9n, ...packed];
    expect(S.length).toBe(33);
    let h = 0n;
    for (let j = 0; j < 3; j++) {
      const block = Array.from({ length: 15 }, (_, i) => S[15 * j + i] ?? 0n);
      h = hash([h, ...block]);
    }
    expect(commitment("output", [t])).toBe(h);
    expect(absorb(S)).toBe(h);
  });

  it("reproduces the documented test vector with two tensors", () => {
    expect(commitment("param", VECTOR_2.tensors)).toBe(VECTOR_2.commitment);
    expect(commitSequence("param", VECTOR_2.tensors)).toEqual([
      domainTag("param"),
      2n,
      8n,
      1n,
      3n,
      P - 32768n,
      16n,
      0n + 32768n * pow2(16) + 65535n * pow2(32),
      0n,
      1n,
      2n,
      0n,
      1n,
      1n,
    ]);
  });

  it("is deterministic and separates roles, scales, shapes, ranges and tensor boundaries", () => {
    const base: CommitTensor = {
      shape: [2, 3],
      scale: 5,
      lo: -4n,
      bits: 8,
      values: [0n, 1n, 2n, 3n, 4n, 5n],
    };
    const c = commitment("input", [base]);
    expect(commitment("input", [{ ...base, values: [...base.values] }])).toBe(c);
    const variants: [string, bigint][] = [
      ["role output", commitment("output", [base])],
      ["role param", commitment("param", [base])],
      ["scale 6", commitment("input", [{ ...base, scale: 6 }])],
      ["scale -5", commitment("input", [{ ...base, scale: -5 }])],
      ["shape [3, 2]", commitment("input", [{ ...base, shape: [3, 2] }])],
      ["shape [6]", commitment("input", [{ ...base, shape: [6] }])],
      ["lo -5", commitment("input", [{ ...base, lo: -5n }])],
      ["bits 9", commitment("input", [{ ...base, bits: 9 }])],
      ["one value changed", commitment("input", [{ ...base, values: [0n, 1n, 2n, 3n, 4n, 6n] }])],
      [
        "split in two tensors",
        commitment("input", [
          { ...base, shape: [3], values: base.values.slice(0, 3) },
          { ...base, shape: [3], values: base.values.slice(3) },
        ]),
      ],
    ];
    const seen = new Map<bigint, string>([[c, "base"]]);
    for (const [what, v] of variants) {
      expect(seen.get(v), `${what} collides`).toBeUndefined();
      seen.set(v, what);
    }
  });

  describe("packing", () => {
    it("packs floor(252 / bits) values per element, little end first", () => {
      expect([1, 8, 9, 16, 126, 127, 252].map(packingFactor)).toEqual([252, 31, 28, 15, 2, 1, 1]);
      const t: CommitTensor = { shape: [3], scale: 0, lo: 10n, bits: 8, values: [11n, 12n, 13n] };
      expect(packTensor(t)).toEqual([1n + 2n * 256n + 3n * 65536n]);
    });

    for (const bits of [1, 8, 252]) {
      it(`is exact at the ends of the range, bits = ${bits}`, () => {
        const k = packingFactor(bits);
        const n = 2 * k + 1;
        const lo = -pow2(bits - 1) - 3n;
        const top = lo + pow2(bits) - 1n;
        const spec = { shape: [n], scale: 0, lo, bits };
        // All at lo: zeros. All at the top: every slot full, which stays below 2^252 < p.
        expect(packTensor({ ...spec, values: new Array<bigint>(n).fill(lo) })).toEqual([0n, 0n, 0n]);
        const full = packTensor({ ...spec, values: new Array<bigint>(n).fill(top) });
        expect(full).toEqual([pow2(k * bits) - 1n, pow2(k * bits) - 1n, pow2(bits) - 1n]);
        expect(full.every((e) => e < pow2(252) && e < P)).toBe(true);
        // One value at the top, every other at lo: the element is that slot alone, for every slot.
        for (const i of [0, 1, k - 1, k, n - 1]) {
          const values = new Array<bigint>(n).fill(lo);
          values[i] = top;
          const e = packTensor({ ...spec, values });
          const slot = i % k;
          expect(e[Math.floor(i / k)], `slot ${i}`).toBe((pow2(bits) - 1n) << BigInt(bits * slot));
          expect(e.filter((x) => x !== 0n).length).toBe(1);
        }
      });
    }

    it("is injective: every vector of 10 one-bit values packs differently", () => {
      const seen = new Set<bigint>();
      for (let x = 0; x < 1 << 10; x++) {
        const values = Array.from({ length: 10 }, (_, i) => BigInt((x >> i) & 1));
        const [e] = packTensor({ shape: [10], scale: 0, lo: 0n, bits: 1, values });
        seen.add(e as bigint);
      }
      expect(seen.size).toBe(1 << 10);
    });

    it("refuses a value outside [lo, lo + 2^bits), which would alias its neighbour", () => {
      const spec = { shape: [2], scale: 0, lo: -4n, bits: 3 };
      // -4 + 8 in slot 0 is 1 in slot 1: an alias of [-4, -3] (the circuit's range checks exclude it).
      const alias = thrown(() => packTensor({ ...spec, values: [4n, -4n] }, "input tensor 0"));
      expect(alias.code).toBe("input-out-of-range");
      expect(alias.message).toBe(
        "input tensor 0, element 0: value 4 is outside the committed range [-4, 3] (lo + 2^3)",
      );
      expect(packTensor({ ...spec, values: [-4n, -3n] })).toEqual([8n]);
      expect(thrown(() => packTensor({ ...spec, values: [-4n, -5n] })).code).toBe("input-out-of-range");
      expect(thrown(() => commitment("param", [{ ...spec, values: [3n, 4n] }])).message).toMatch(
        /^param tensor 0, element 1: value 4 is outside/,
      );
    });

    it("refuses specs the encoding is not injective for", () => {
      const t: CommitTensor = { shape: [2], scale: 0, lo: 0n, bits: 8, values: [1n, 2n] };
      for (const [bad, msg] of [
        [{ bits: 0 }, /bits = 0, must be an integer in 1\.\.252/],
        [{ bits: 253 }, /bits = 253/],
        [{ bits: 2.5 }, /bits = 2\.5/],
        [{ scale: 0.5 }, /scale 0\.5 is not an integer/],
        [{ shape: [-1] }, /shape \[-1\] must be non-negative integers/],
        [{ shape: [3] }, /2 values for shape \[3\] \(3 elements\)/],
        [{ lo: P / 2n + 1n }, /outside \(−p\/2, p\/2\)/],
      ] as const) {
        const e = thrown(() => commitment("input", [{ ...t, ...bad }]));
        expect(
          e.code,
          JSON.stringify(bad, (_, v) => (typeof v === "bigint" ? `${v}` : v)),
        ).toBe("bad-input");
        expect(e.message).toMatch(msg);
      }
      expect(thrown(() => commitment("weights" as "param", [t])).message).toMatch(/unknown commitment role/);
    });
  });

  describe("constraints (circom --O2 and the direct backend: test/circuits/commit.test.ts)", () => {
    it("is 3·(188·blocks + packed − 1) when every block holds a packed element", () => {
      for (const [shape, bits] of [
        [[1, 1, 28, 28], 9],
        [[1, 784], 16],
        [[40], 9],
        [[3], 252],
        [[100, 100], 8],
      ] as [number[], number][]) {
        const spec = { shape, scale: 0, lo: 0n, bits };
        const items = sequenceLayout("input", [spec]);
        const blocks = blockCount(items.length);
        expect(commitmentConstraints("input", [spec]), `[${shape}] ${bits} bits`).toBe(
          3 * (188 * blocks + packedCount(spec) - 1),
        );
      }
    });

    it("counts nothing for a block of constants only, and 609 per full block", () => {
      // Rank 11: the first block is tag, count and the 13 header elements, all constants.
      const deep = { shape: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2], scale: 0, lo: 0n, bits: 8 };
      expect(
        sequenceLayout("input", [deep])
          .slice(0, 15)
          .every((it) => it.kind === "const"),
      ).toBe(true);
      expect(commitmentConstraints("input", [deep])).toBe(3 * (187 + 1));
      // A tensor without elements: nothing but constants, no constraint.
      expect(commitmentConstraints("input", [{ shape: [0], scale: 0, lo: 0n, bits: 8 }])).toBe(0);
      // 2 + 5 header elements, then 53 packed: 8 in the first block, 15 in each of the three others.
      const wide = { shape: [53 * 28], scale: 0, lo: 0n, bits: 9 };
      expect(commitmentConstraints("input", [wide])).toBe(3 * (187 + 8) + 3 * 609);
    });
  });
});

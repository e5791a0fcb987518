import { describe, expect, it } from "vitest";
import {
  encodeVerifierCall,
  functionSelector,
  keccak256,
  verifierCalldata,
  verifierSignature,
} from "./calldata.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const w = (n: number | bigint) => `0x${BigInt(n).toString(16).padStart(64, "0")}`;

const G16 = {
  pi_a: ["1", "2", "1"],
  pi_b: [
    ["3", "4"],
    ["5", "6"],
    ["1", "0"],
  ],
  pi_c: ["7", "8", "1"],
  protocol: "groth16",
  curve: "bn128",
};

const PLONK: Record<string, unknown> = { protocol: "plonk", curve: "bn128" };
["A", "B", "C", "Z", "T1", "T2", "T3", "Wxi", "Wxiw"].forEach((k, i) => {
  PLONK[k] = [String(2 * i + 1), String(2 * i + 2), "1"];
});
["eval_a", "eval_b", "eval_c", "eval_s1", "eval_s2", "eval_zw"].forEach((k, i) => {
  PLONK[k] = String(19 + i);
});

const FFLONK = {
  protocol: "fflonk",
  curve: "bn128",
  polynomials: { C1: ["1", "2", "1"], C2: ["3", "4", "1"], W1: ["5", "6", "1"], W2: ["7", "8", "1"] },
  evaluations: Object.fromEntries(
    ["ql", "qr", "qm", "qo", "qc", "s1", "s2", "s3", "a", "b", "c", "z", "zw", "t1w", "t2w", "inv"].map(
      (k, i) => [k, String(9 + i)],
    ),
  ),
};

describe("keccak256", () => {
  it("matches known digests, across the 136-byte block boundary", () => {
    expect(hex(keccak256(""))).toBe("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    expect(hex(keccak256("abc"))).toBe("4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
    expect(hex(keccak256("a".repeat(135)))).toBe(
      "34367dc248bbd832f4e3e69dfaac2f92638bd0bbd18f2912ba4ef454919cf446",
    );
    expect(hex(keccak256("a".repeat(136)))).toBe(
      "a6c4d403279fe3e0af03729caada8374b5ca54d8065329a3ebcaeb4b60aa386e",
    );
    expect(hex(keccak256(new TextEncoder().encode("a".repeat(200))))).toBe(
      "96ea54061def936c4be90b518992fdc6f12f535068a256229aca54267b4d084d",
    );
    expect(hex(functionSelector("transfer(address,uint256)"))).toBe("a9059cbb");
  });
});

describe("verifierCalldata", () => {
  it("lays out a Groth16 call with B's coordinates swapped", () => {
    const cd = verifierCalldata("groth16", G16, ["9", "10"]);
    expect(cd.functionName).toBe("verifyProof");
    expect(cd.args).toEqual([
      [w(1), w(2)],
      [
        [w(4), w(3)],
        [w(6), w(5)],
      ],
      [w(7), w(8)],
      [w(9), w(10)],
    ]);
    const sel = functionSelector("verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[2])");
    expect(cd.data.subarray(0, 4)).toEqual(sel);
    expect(cd.data.length).toBe(4 + 32 * 10);
    const words = Array.from({ length: 10 }, (_, i) =>
      BigInt(`0x${hex(cd.data.subarray(4 + 32 * i, 36 + 32 * i))}`),
    );
    expect(words).toEqual([1n, 2n, 4n, 3n, 6n, 5n, 7n, 8n, 9n, 10n]);
    // text is valid JSON and encodes back to the same call
    expect(JSON.parse(cd.text)).toEqual(cd.args);
    expect(encodeVerifierCall("groth16", JSON.parse(cd.text))).toEqual(cd.data);
  });

  it("lays out PLONK and FFLONK calls as 24 words then the signals", () => {
    const seq = Array.from({ length: 24 }, (_, i) => w(i + 1));
    const p = verifierCalldata("plonk", PLONK, ["25", "26", "27"]);
    expect(p.args).toEqual([seq, [w(25), w(26), w(27)]]);
    expect(p.data.subarray(0, 4)).toEqual(functionSelector("verifyProof(uint256[24],uint256[3])"));
    expect(p.data.length).toBe(4 + 32 * 27);
    const f = verifierCalldata("fflonk", FFLONK, ["25"]);
    expect(f.args).toEqual([seq, [w(25)]]);
    expect(f.data.subarray(0, 4)).toEqual(functionSelector("verifyProof(bytes32[24],uint256[1])"));
    expect(encodeVerifierCall("fflonk", JSON.parse(f.text))).toEqual(f.data);
  });

  it("pads FFLONK's public signals to one (its template declares uint256[max(n, 1)])", () => {
    expect(verifierSignature("fflonk", 0)).toBe("verifyProof(bytes32[24],uint256[1])");
    expect(verifierSignature("plonk", 0)).toBe("verifyProof(uint256[24],uint256[0])");
    const f = verifierCalldata("fflonk", FFLONK, []);
    expect(f.args[1]).toEqual([w(0)]);
    expect(f.data.length).toBe(4 + 32 * 25);
  });

  it("encodes values up to 2^256 - 1 as given, including signals >= r", () => {
    const big = ((1n << 256n) - 1n).toString();
    const cd = verifierCalldata("groth16", G16, [big, "0x10"]);
    expect(cd.args[3]).toEqual([`0x${"f".repeat(64)}`, w(16)]);
  });

  it("rejects malformed proofs and signals with invalid-proof", () => {
    const bad = (f: () => unknown, msg: RegExp) =>
      expect(f).toThrow(
        expect.objectContaining({ code: "invalid-proof", message: expect.stringMatching(msg) }),
      );
    bad(() => verifierCalldata("plonk", G16, ["1"]), /groth16 proof, not a plonk/);
    bad(() => verifierCalldata("groth16", { ...G16, curve: "bls12381" }, ["1"]), /bls12381/);
    bad(() => verifierCalldata("groth16", G16, ["1.5"]), /public signal 0 is not an integer/);
    bad(() => verifierCalldata("groth16", G16, ["-1"]), /public signal 0 is not an integer/);
    bad(() => verifierCalldata("groth16", G16, [(1n << 256n).toString()]), /uint256/);
    bad(() => verifierCalldata("groth16", { ...G16, pi_c: undefined }, ["1"]), /not a G1 point/);
    bad(() => verifierCalldata("groth16", { ...G16, pi_a: ["1", "2", "3"] }, ["1"]), /affine/);
    bad(() => verifierCalldata("groth16", { ...G16, pi_b: [["1"], ["2"]] }, ["1"]), /G2 point/);
    const { eval_zw: _, ...noZw } = PLONK;
    bad(() => verifierCalldata("plonk", noZw, ["1"]), /no eval_zw/);
    bad(() => verifierCalldata("fflonk", { ...FFLONK, evaluations: {} }, ["1"]), /no evaluations\.ql/);
    bad(() => encodeVerifierCall("plonk", [["0x1"], []]), /array of 24/);
    bad(() => encodeVerifierCall("plonk", [Array(24).fill("12"), []]), /0x-hex word/);
    bad(() => encodeVerifierCall("groth16", [[w(1), w(2)], []]), /takes 4 arguments/);
  });

  it("encodes the point at infinity as (0, 0)", () => {
    const cd = verifierCalldata("groth16", { ...G16, pi_a: ["0", "1", "0"] }, ["1"]);
    expect(cd.args[0]).toEqual([w(0), w(0)]);
  });
});

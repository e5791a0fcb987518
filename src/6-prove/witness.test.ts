import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSymbols } from "../5-compile/r1cs.js";
import { type CompiledSource, compileSampleCircuit, sampleOutput } from "../5-compile/testing.js";
import { ZkmlError } from "../errors.js";
import {
  loadWitnessCalculator,
  parseWtns,
  readWtns,
  type WitnessCalculator,
  witnessToWtns,
  writeWtns,
} from "./witness.js";

const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
let c: CompiledSource;
let wc: WitnessCalculator;
let sym: Map<string, number>;
const logged: string[] = [];

beforeAll(async () => {
  c = await compileSampleCircuit({ optimize: 2 });
  wc = await loadWitnessCalculator(c.wasmPath, { logger: (l) => logged.push(l) });
  sym = await readSymbols(c.symPath);
});
afterAll(async () => {
  await c?.cleanup();
});

const z = (w: bigint[]) => w[sym.get("main.z") ?? -1];

describe("loadWitnessCalculator", () => {
  it("computes witnesses for many inputs with one instance", async () => {
    expect(wc.prime).toBe(P);
    expect(wc.witnessSize).toBe(12);
    for (let x = 0n; x < 20n; x++) {
      const y = (x * 7n) % 16n;
      const a = [
        [x, 2n],
        [3n, x + 1n],
      ];
      const w = await wc.calculate({ x, y, a });
      expect(w).toHaveLength(12);
      expect(w[0]).toBe(1n);
      expect(z(w)).toBe(sampleOutput(x, y, a));
      const bits = [0, 1, 2, 3].map((i) => w[sym.get(`main.bits[${i}]`) ?? -1]);
      expect(bits).toEqual([0, 1, 2, 3].map((i) => (y >> BigInt(i)) & 1n));
    }
  });

  it("accepts bigints, decimal strings, numbers and negative values (mod p)", async () => {
    const w1 = await wc.calculate({
      x: "5",
      y: 11,
      a: [
        ["2", 3n],
        [4, "-6"],
      ],
    });
    expect(z(w1)).toBe(
      (sampleOutput(5n, 11n, [
        [2n, 3n],
        [4n, -6n],
      ]) +
        P) %
        P,
    );
    const w2 = await wc.calculate({ x: 5n, y: 11n, a: [2n, 3n, 4n, P - 6n] }); // flat arrays are accepted
    expect(w2).toEqual(w1);
  });

  it("maps a failed constraint check to prove-failed, and keeps working afterwards", async () => {
    // y = 16 does not fit Num2Bits(4): the bit sum check fails during witness generation.
    const err = await wc
      .calculate({
        x: 1n,
        y: 16n,
        a: [
          [0n, 0n],
          [0n, 0n],
        ],
      })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ZkmlError);
    expect(err.code).toBe("prove-failed");
    expect(err.message).toContain("): Assert Failed.\nError in template Num2Bits_0");
    expect(err.hint).toMatch(/range/);
    const again = await wc.calculate({
      x: 1n,
      y: 15n,
      a: [
        [0n, 0n],
        [0n, 0n],
      ],
    });
    expect(z(again)).toBe(
      sampleOutput(1n, 15n, [
        [0n, 0n],
        [0n, 0n],
      ]),
    );
  });

  it("reports input mistakes as bad-input", async () => {
    await expect(
      wc.calculate({
        x: 1n,
        a: [
          [0n, 0n],
          [0n, 0n],
        ],
      }),
    ).rejects.toMatchObject({ code: "bad-input" });
    await expect(wc.calculate({ x: 1n, y: 1n, a: [0n, 0n, 0n] })).rejects.toMatchObject({
      code: "bad-input",
    });
    await expect(
      wc.calculate({
        x: 1n,
        y: 1n,
        a: [
          [0n, 0n],
          [0n, 0n],
        ],
        w: 3n,
      }),
    ).rejects.toMatchObject({
      code: "bad-input",
    });
    await expect(
      wc.calculate({
        x: 1.5,
        y: 1n,
        a: [
          [0n, 0n],
          [0n, 0n],
        ],
      }),
    ).rejects.toMatchObject({
      code: "bad-input",
    });
    await expect(
      wc.calculate({
        x: "1e3",
        y: 1n,
        a: [
          [0n, 0n],
          [0n, 0n],
        ],
      }),
    ).rejects.toMatchObject({
      code: "bad-input",
    });
  });

  it("fails clearly on missing or broken artifacts", async () => {
    await expect(loadWitnessCalculator(join(c.workDir, "nope.wasm"))).rejects.toMatchObject({
      code: "missing-artifact",
    });
    const broken = join(c.workDir, "circuit_js", "broken.wasm");
    await writeFile(broken, "not wasm");
    await expect(loadWitnessCalculator(broken)).rejects.toMatchObject({ code: "corrupt-artifact" });
    expect(logged.join("\n")).not.toContain("Everything"); // nothing from circom leaks here
  });
});

describe("wtns files", () => {
  it("witnessToWtns is byte-identical to circom's calculateWTNSBin", async () => {
    const input = {
      x: 3n,
      y: 9n,
      a: [
        [1n, 2n],
        [3n, 4n],
      ],
    };
    const bin = await wc.calculateWtns(input);
    const w = await wc.calculate(input);
    expect(Buffer.from(await witnessToWtns(w, P)).equals(Buffer.from(bin))).toBe(true);
    expect(parseWtns(bin)).toEqual(w);
  });

  it("round-trips through a file, reducing values mod p", async () => {
    const path = join(c.workDir, "w.wtns");
    const w = [1n, 0n, P - 1n, 12345678901234567890123456789n, P + 5n, -1n];
    await writeWtns(path, await witnessToWtns(w, P));
    expect(await readWtns(path)).toEqual([1n, 0n, P - 1n, 12345678901234567890123456789n, 5n, P - 1n]);
    const bytes = await readFile(path);
    await writeFile(path, bytes.subarray(0, bytes.length - 1));
    await expect(readWtns(path)).rejects.toMatchObject({ code: "corrupt-artifact" });
    await expect(readWtns(join(c.workDir, "none.wtns"))).rejects.toMatchObject({ code: "missing-artifact" });
  });
});

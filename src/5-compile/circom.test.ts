import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ZkmlError } from "../errors.js";
import { circomFailure, circomVersion, compileCircom, copyCircuitLibrary } from "./circom.js";
import { readR1csInfo, readSymbols } from "./r1cs.js";
import { compileCircuitSource, SAMPLE_HELPER as HELPER, SAMPLE_MAIN as MAIN } from "./testing.js";

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), "zkmlc-circom-test-"));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe("compileCircom", () => {
  it("runs circom 2.2.3 in-process", { tags: ["heavy"] }, async () => {
    expect(await circomVersion()).toBe("circom compiler 2.2.3");
  });

  it("compiles with exact constraint counts under O1 and O2", { tags: ["heavy"] }, async () => {
    const workDir = await tempDir();
    const files = { "lib/zkmlc/zz_helper.circom": HELPER };
    const lines: string[] = [];
    const o1 = await compileCircuitSource(MAIN, {
      optimize: 1,
      files,
      workDir,
      logger: (l) => lines.push(l),
    });
    // x*y, a01*a10 and 4 bit constraints are quadratic; z's sum and the bit sum are linear.
    expect(o1.nConstraints).toBe(8);
    expect(o1.stdout).toContain("non-linear constraints: 6");
    expect(o1.stdout).toContain("linear constraints: 2");
    expect(o1.stdout).not.toContain("\u001b[");
    expect(o1.stdout).not.toContain(".tmp");
    expect(lines).toContain("Everything went okay");
    expect(await readR1csInfo(o1.r1csPath)).toMatchObject({
      nConstraints: 8,
      nVars: 14,
      nOutputs: 5,
      nPubInputs: 1,
      nPrvInputs: 5,
    });

    const o2 = await compileCircom({ workDir, mainFile: "circuit.circom", optimize: 2 });
    expect(o2.nConstraints).toBe(6);
    const info = await readR1csInfo(o2.r1csPath);
    expect(info.nVars).toBe(12);
    expect(info.prime).toBe(21888242871839275222246405745257275088548364400416034343698204186575808495617n);
    for (const p of [o2.r1csPath, o2.symPath, o2.wasmPath, o2.witnessCalculatorPath])
      expect(existsSync(p)).toBe(true);
    expect(o2.wasmPath).toBe(join(workDir, "circuit_js", "circuit.wasm"));
    // no temporary directories are left behind
    expect((await readdir(workDir)).filter((f) => f.includes(".tmp"))).toEqual([]);

    // The symbol map: outputs first, then public then private inputs; O2 removed main.y (= Σ bits·2^i).
    const sym = await readSymbols(o2.symPath);
    expect(sym.get("main.z")).toBe(1);
    expect(sym.get("main.bits[3]")).toBe(5);
    expect(sym.get("main.x")).toBe(6);
    expect(sym.get("main.a[1][1]")).toBe(10);
    expect(sym.has("main.y")).toBe(false);
    expect(sym.has("main.b.nb.out[0]")).toBe(false);
    expect(sym.size).toBe(11);
  });

  it("reports circom's error text as circom-failed and leaves no stale outputs", {
    tags: ["heavy"],
  }, async () => {
    const workDir = await tempDir();
    const ok = await compileCircuitSource(MAIN, { workDir, files: { "lib/zkmlc/zz_helper.circom": HELPER } });
    expect(existsSync(ok.r1csPath)).toBe(true);
    await writeFile(
      join(workDir, "circuit.circom"),
      "pragma circom 2.1.0;\ntemplate M() { signal input x; signal output z; z <== x*x*x; }\ncomponent main = M();\n",
    );
    const err = await compileCircom({ workDir, mainFile: "circuit.circom", optimize: 2 }).catch((e) => e);
    expect(err).toBeInstanceOf(ZkmlError);
    expect(err.code).toBe("circom-failed");
    expect(err.message).toContain("Non quadratic constraints are not allowed");
    expect(err.message).toContain(`"circuit.circom":2:49`);
    expect(existsSync(ok.r1csPath)).toBe(false);
    expect(existsSync(ok.symPath)).toBe(false);
    expect(existsSync(join(workDir, "circuit_js"))).toBe(false);
  });

  it("reports a missing include", { tags: ["heavy"] }, async () => {
    const workDir = await tempDir();
    await writeFile(join(workDir, "m.circom"), 'pragma circom 2.1.0;\ninclude "zkmlc/nope.circom";\n');
    const err = await compileCircom({ workDir, mainFile: "m.circom", optimize: 1 }).catch((e) => e);
    expect(err.code).toBe("circom-failed");
    expect(err.message).toMatch(/nope\.circom/);
  });

  it("rejects paths outside the build directory", async () => {
    const workDir = await tempDir();
    await expect(compileCircom({ workDir, mainFile: "../x.circom", optimize: 1 })).rejects.toMatchObject({
      code: "circom-failed",
    });
    await expect(
      compileCircom({ workDir, mainFile: "x.circom", optimize: 1, includeDirs: ["/usr"] }),
    ).rejects.toMatchObject({ code: "circom-failed" });
    await expect(compileCircom({ workDir, mainFile: "absent.circom", optimize: 1 })).rejects.toMatchObject({
      code: "missing-artifact",
    });
  });
});

describe("copyCircuitLibrary", () => {
  it("lays out lib/zkmlc and lib/circomlib", async () => {
    const workDir = await tempDir();
    await copyCircuitLibrary(workDir);
    expect(existsSync(join(workDir, "lib", "circomlib", "comparators.circom"))).toBe(true);
    expect(existsSync(join(workDir, "lib", "circomlib", "poseidon_constants.circom"))).toBe(true);
    const ours = (await readdir(new URL("../../circuits/", import.meta.url))).filter((f) =>
      f.endsWith(".circom"),
    );
    const copied = await readdir(join(workDir, "lib", "zkmlc"));
    expect(copied.sort()).toEqual(ours.sort());
    // a second copy replaces the first (a removed library file disappears)
    await writeFile(join(workDir, "lib", "zkmlc", "stale.circom"), "");
    await copyCircuitLibrary(workDir);
    expect(existsSync(join(workDir, "lib", "zkmlc", "stale.circom"))).toBe(false);
    expect(await readFile(join(workDir, "lib", "circomlib", "bitify.circom"), "utf8")).toContain(
      "template Num2Bits",
    );
  });
});

describe("circomFailure", () => {
  it("reports circom's WebAssembly limits as too-large with the counts and the direct backend as the way out", () => {
    for (const text of [
      "template instances: 112\nnon-linear constraints: 313000\nlinear constraints: 4000\nmemory allocation of 1744830464 bytes failed",
      "non-linear constraints: 260000\nRangeError: Start offset -2117383504 is outside the bounds of the buffer",
    ])
      expect(() => circomFailure(text, "circuit.circom")).toThrow(
        expect.objectContaining({
          code: "too-large",
          message: expect.stringMatching(
            /^circom ran out of memory compiling circuit\.circom \(non-linear constraints: \d+/,
          ),
          hint: expect.stringMatching(/direct backend/),
        }),
      );
  });

  it("reports anything else as an error of the generated circuit", () => {
    expect(() => circomFailure("error[T3001]: Exception caused by invalid access", "c.circom")).toThrow(
      expect.objectContaining({ code: "circom-failed" }),
    );
  });
});

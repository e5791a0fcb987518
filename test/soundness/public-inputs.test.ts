import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildModel, DataType, node, tensorProto, valueInfo } from "../../src/1-decode/onnx-builder.js";
import { evaluatePlan } from "../../src/3-lower/evaluate.js";
import { directWitness } from "../../src/4-emit/r1cs/direct.js";
import { compileCircom, copyCircuitLibrary } from "../../src/5-compile/circom.js";
import { checkWitness, readSymbols } from "../../src/5-compile/r1cs.js";
import { verifierCalldata } from "../../src/6-prove/calldata.js";
import { releaseCurves } from "../../src/6-prove/curve.js";
import { verifyOnEvm } from "../../src/6-prove/evm.js";
import { groth16DevSetup } from "../../src/6-prove/groth16_dev.js";
import { groth16Prove } from "../../src/6-prove/groth16_prove.js";
import { groth16Verify } from "../../src/6-prove/groth16_verify.js";
import { exportSolidityVerifier } from "../../src/6-prove/verifier_export.js";
import { loadWitnessCalculator, parseWtns, witnessToWtns } from "../../src/6-prove/witness.js";
import { loadBuild, loadRunner } from "../../src/steps/build.js";
import { compile } from "../../src/steps/compile.js";
import { prove } from "../../src/steps/prove.js";
import { setup } from "../../src/steps/setup.js";
import { verify } from "../../src/steps/verify.js";
import { P } from "../circuits/harness.js";
import { ROOT } from "../support/cli.js";

/**
 * An adversary with a public-input build and its keys, who wants a proof for an input outside the
 * range the circuit was calibrated for (the attacks found by the review, issue 10). A proof is useless
 * to them unless an on-chain verifier accepts it, so every route ends at snarkjs's verifier and the EVM:
 *
 *  1. `zkmlc prove` refuses the input (off-circuit check);
 *  2. circom's own wasm witness generator finds no witness for it (the in-circuit range check);
 *  3. around both: the adversary's copy of the same circuit without the range-check constraints (same
 *     signal names) computes every other signal for the bad input — proving with *that* circuit's own
 *     keys verifies, which is the gap the range check closes — and the values, mapped by name onto the
 *     real circuit's wires with the range-check bits set to the low bits of the bad value, go to
 *     snarkjs's prover with the real proving key. The witness violates the real r1cs, and the proof is
 *     rejected by snarkjs, by `zkmlc verify` and by the Solidity verifier on the EVM.
 */
const tmp = mkdtempSync(join(tmpdir(), "zkmlc-public-inputs-"));
afterAll(async () => {
  await releaseCurves();
  rmSync(tmp, { recursive: true, force: true });
});

/** The range-check template with the same signal names and no constraints: the adversary's edit. */
const UNCHECKED = `
template UncheckedBits(n) {
    signal input in;
    signal output out[n];
    for (var i = 0; i < n; i++) out[i] <-- (in >> i) & 1;
}
template UncheckedRange(n) {
    signal input in;
    component bits = UncheckedBits(n);
    bits.in <== in;
}
`;

interface Case {
  name: string;
  model: () => string;
  range: [number, number];
  check?: "exact";
  /** A real-valued input file outside the range (what a user would feed `prove`). */
  badInput: unknown;
  /** The circuit input the adversary wants to prove (field elements, per input signal). */
  bad: Record<string, bigint[]>;
  /** What the unchecked circuit computes for it, which no table or formula allows. */
  claim: (outputs: bigint[]) => void;
}

function modelFile(name: string, bytes: Uint8Array): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "model.onnx");
  writeFileSync(path, bytes);
  return path;
}

/** Gather(table[4, 3], idx) with an int64 index input: rows 10, 20, 30, 40 (+0, +1, +2). */
const gatherModel = () =>
  buildModel({
    nodes: [node("Gather", ["table", "idx"], ["y"], {}, "gather")],
    initializers: [tensorProto("table", [4, 3], [10, 11, 12, 20, 21, 22, 30, 31, 32, 40, 41, 42])],
    inputs: [valueInfo("idx", DataType.INT64, [1])],
    outputs: [valueInfo("y", DataType.FLOAT, [1, 3])],
    opset: 13,
  });

/** Where(c, x, 0.5) with a bool condition input and a float input. */
const whereModel = () =>
  buildModel({
    nodes: [node("Where", ["c", "x", "half"], ["y"], {}, "where")],
    initializers: [tensorProto("half", [4], [0.5, 0.5, 0.5, 0.5])],
    inputs: [valueInfo("c", DataType.BOOL, [4]), valueInfo("x", DataType.FLOAT, [4])],
    outputs: [valueInfo("y", DataType.FLOAT, [4])],
    opset: 13,
  });

const HALF_UNIT = (P + 1n) / 2n; // "half an input unit": 2·x = 1 in the field

const CASES: Case[] = [
  {
    name: "tiny (float input, the field element (p+1)/2)",
    model: () => join(ROOT, "examples/tiny/model.onnx"),
    range: [-1, 1],
    badInput: { input_data: [[1.5, 0, 0, 0]] },
    bad: { in_input: [HALF_UNIT, 0n, 0n, 0n] },
    claim: () => {},
  },
  {
    // [-1, 1] at 2^8 is [-256, 256]; a pow2 check would enforce [-256, 768), the exact one stops at 256.
    name: "tiny with the exact check (1.5, inside the pow2 range but above the calibrated one)",
    model: () => join(ROOT, "examples/tiny/model.onnx"),
    range: [-1, 1],
    check: "exact",
    badInput: { input_data: [[1.5, 0, 0, 0]] },
    bad: { in_input: [384n, 0n, 0n, 0n] },
    claim: () => {},
  },
  {
    name: "integer-index Gather (index 5 into a 4-row table)",
    model: () => modelFile("gather", gatherModel()),
    range: [0, 3],
    badInput: { idx: [5] },
    bad: { in_idx: [5n] },
    // Rows are 10k, 10k + 1, 10k + 2 (integers: scale 2^0): index 5 extrapolates a row 60, 61, 62 in no table.
    claim: (out) => expect(out.slice(0, 3)).toEqual([60n, 61n, 62n]),
  },
  {
    name: "bool Where (a condition of 2)",
    model: () => modelFile("where", whereModel()),
    range: [0, 1],
    badInput: { c: [2, 0, 1, 0], x: [1, 1, 1, 1] },
    bad: { in_c: [2n, 0n, 1n, 0n], in_x: [256n, 256n, 256n, 256n] },
    // y + 2·(x − y) = 0.5 + 2·0.5 = 1.5: neither branch.
    claim: (out) => expect(out[0]).toBe(384n),
  },
];

/** Field element -> signed integer. */
const signed = (v: bigint) => (v > P / 2n ? v - P : v);

const BACKEND_CASES = (["direct", "circom"] as const).flatMap((backend) =>
  CASES.map((c) => ({ ...c, backend })),
);

describe.each(BACKEND_CASES)("public input out of range ($backend backend): $name", (c) => {
  const dir = join(tmp, c.backend, c.name.replace(/\W+/g, "-"), "build");

  it("cannot be proven: the CLI refuses it, the witness generator makes none, and a proof made around both fails everywhere", async () => {
    const model = c.model();
    const { settings } = await compile(model, dir, {
      inputRange: c.range,
      inputVisibility: "public",
      backend: c.backend,
      ...(c.check ? { inputCheck: c.check } : {}),
    });
    expect(settings.inputs.every((i) => i.visibility === "public")).toBe(true);
    await setup(dir);

    // 1. The CLI.
    const badFile = join(dir, "..", "bad.json");
    writeFileSync(badFile, JSON.stringify(c.badInput));
    await expect(prove(dir, badFile)).rejects.toMatchObject({ code: "input-out-of-range" });

    // 2. The build's own witness generator: circom's wasm refuses the input; the direct backend's (which
    //    takes the integer reference's values) makes a witness the r1cs rejects, or none at all.
    const build = await loadBuild(dir);
    const input = Object.fromEntries(Object.entries(c.bad).map(([k, v]) => [k, v.map(String)]));
    if (c.backend === "circom")
      await expect((await loadRunner(build)).wc?.calculate(input)).rejects.toThrow();
    else {
      let satisfied = false;
      try {
        const vals = evaluatePlan(
          build.plan,
          Object.values(c.bad).map((v) => v.map(signed)),
        );
        satisfied = (
          await checkWitness(join(dir, "circuit.r1cs"), parseWtns(directWitness(build.plan, vals)))
        ).ok;
      } catch (e) {
        expect(e).toMatchObject({ code: "input-out-of-range" });
      }
      expect(satisfied).toBe(false);
    }

    // 3. The adversary's unchecked copy of the circuit, with its own keys: the gap this closes.
    const attack = join(dir, "..", "attack");
    await mkdir(attack, { recursive: true });
    await copyCircuitLibrary(attack);
    const source = readFileSync(join(dir, "circuit.circom"), "utf8");
    expect(source).toMatch(/RangeCheck\(/);
    const unchecked = source
      .replace(/RangeCheck\(/g, "UncheckedRange(")
      .replace("template Model()", `${UNCHECKED}\ntemplate Model()`);
    await writeFile(join(attack, "circuit.circom"), unchecked);
    // --O0: every signal stays a wire, so the adversary has a value for each name the real circuit uses.
    const ac = await compileCircom({ workDir: attack, mainFile: "circuit.circom", optimize: 0 });
    const aw = await (await loadWitnessCalculator(ac.wasmPath)).calculate(input);
    await groth16DevSetup({
      r1csPath: ac.r1csPath,
      zkeyPath: join(attack, "a.zkey"),
      vkeyPath: join(attack, "a.vkey.json"),
    });
    const own = await groth16Prove(join(attack, "a.zkey"), await witnessToWtns(aw, P));
    const ownVkey = JSON.parse(readFileSync(join(attack, "a.vkey.json"), "utf8"));
    expect(await groth16Verify(ownVkey, own.publicSignals, own.proof)).toBe(true);
    const nOut = settings.outputs.reduce((s, o) => s + o.shape.reduce((a, b) => a * b, 1), 0);
    c.claim(own.publicSignals.slice(0, nOut).map((v) => signed(BigInt(v))));

    // Map the adversary's witness onto the real circuit's wires by signal name.
    const realSyms = await readSymbols(join(dir, "circuit.sym"));
    const attackSyms = await readSymbols(ac.symPath);
    const nWires = Math.max(...realSyms.values()) + 1;
    const w = new Array<bigint | undefined>(nWires).fill(undefined);
    w[0] = 1n;
    // The range checks' bits, which the unchecked copy lacks, are the low bits of the bad value: filled
    // after everything else (a 1-bit check's bit is the input itself).
    const rc = /^main\.rc_(\w+?)(_upper)?\[(\d+)\]\.bits\.out\[(\d+)\]$/;
    for (const [name, wire] of realSyms) {
      const a = attackSyms.get(name);
      if (wire >= 0 && !rc.test(name) && a !== undefined && a >= 0 && w[wire] === undefined) w[wire] = aw[a];
    }
    for (const [name, wire] of realSyms) {
      const m = rc.exec(name);
      if (wire < 0 || !m || w[wire] !== undefined) continue;
      const inp = settings.inputs.find((i) => i.signal === m[1]);
      const x = c.bad[m[1] as string]?.[Number(m[3])] ?? 0n;
      const [lo, hi] = (inp?.intRange ?? ["0", "0"]).map(BigInt) as [bigint, bigint];
      const off = (((m[2] ? hi - x : x - lo) % P) + P) % P;
      w[wire] = (off >> BigInt(m[4] ?? 0)) & 1n;
    }
    const missing = w.flatMap((v, i) => (v === undefined ? [i] : []));
    expect(missing).toEqual([]);
    const forged = w as bigint[];
    expect((await checkWitness(join(dir, "circuit.r1cs"), forged)).ok).toBe(false);

    const zkey = join(dir, "groth16", "keys", "circuit.zkey");
    const vkey = JSON.parse(readFileSync(join(dir, "groth16", "keys", "verification_key.json"), "utf8"));
    const proof = await groth16Prove(zkey, await witnessToWtns(forged, P));
    // The proof claims the bad input as a public signal...
    expect(proof.publicSignals.slice(nOut)).toEqual(Object.values(c.bad).flat().map(String));
    // ...and nothing accepts it: snarkjs, zkmlc verify, the Solidity verifier on the EVM.
    expect(await groth16Verify(vkey, proof.publicSignals, proof.proof)).toBe(false);
    const copy = join(dir, "..", "forged-build");
    cpSync(dir, copy, { recursive: true });
    rmSync(join(copy, "groth16", "proof"), { recursive: true, force: true });
    await mkdir(join(copy, "groth16", "proof"));
    writeFileSync(join(copy, "groth16", "proof", "proof.json"), JSON.stringify(proof.proof));
    writeFileSync(join(copy, "groth16", "proof", "public.json"), JSON.stringify(proof.publicSignals));
    expect((await verify(copy)).valid).toBe(false);
    const sol = await exportSolidityVerifier(vkey);
    const evm = await verifyOnEvm(sol, verifierCalldata("groth16", proof.proof, proof.publicSignals).data);
    expect(evm.valid).toBe(false);
    // The honest route still works with the same build.
    const good = join(dir, "..", "good.json");
    writeFileSync(good, JSON.stringify(honestInput(c)));
    await prove(dir, good);
    expect((await verify(dir)).valid).toBe(true);
  });
});

/** An in-range input of the same shape as the case's bad one. */
function honestInput(c: Case): unknown {
  const bad = c.badInput as Record<string, number[][] | number[]>;
  return Object.fromEntries(
    Object.entries(bad).map(([k, v]) => [
      k,
      JSON.parse(JSON.stringify(v), (_k, x) => (typeof x === "number" ? Math.min(x, c.range[1]) : x)),
    ]),
  );
}

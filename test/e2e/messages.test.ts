import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cnn, writeSweep } from "../../bench/sweep.js";
import { releaseCurves } from "../../src/6-prove/curve.js";
import { setupMode } from "../../src/cli/setup-mode.js";
import { calldata, verifyEvm } from "../../src/steps/evm.js";
import { run } from "../../src/steps/run.js";
import { devSetupWarning } from "../../src/steps/setup.js";
import { exportVerifier, verify } from "../../src/steps/verify.js";
import { ROOT, zkmlc } from "../support/cli.js";

/** What a user reads when something goes wrong: each message says what is true and a hint that works. */
const tiny = join(ROOT, "examples/tiny/model.onnx");
const tinyInput = join(ROOT, "examples/tiny/input.json");
const mnist = join(ROOT, "examples/mnist_mlp/model.onnx");
const tmp = mkdtempSync(join(tmpdir(), "zkmlc-messages-"));
const dir = join(tmp, "build");
const copy = (name: string) => {
  const d = join(tmp, name);
  cpSync(dir, d, { recursive: true });
  return d;
};

beforeAll(async () => {
  await run(tiny, { input: tinyInput, outDir: dir, inputRange: [-1, 1] });
});
afterAll(async () => {
  await releaseCurves();
  rmSync(tmp, { recursive: true, force: true });
});

describe("each step needs only its own inputs", () => {
  it("verify, export-verifier, verify-evm and calldata work without the model, r1cs, witness generator and proving key", async () => {
    const d = copy("vkey-only");
    for (const f of ["model.onnx", "circuit.r1cs", "circuit.sym", "circuit_js", "groth16/keys/circuit.zkey"])
      rmSync(join(d, f), { recursive: true, force: true });
    expect((await verify(d)).valid).toBe(true);
    expect(readFileSync((await exportVerifier(d)).path, "utf8")).toMatch(/contract Groth16Verifier/);
    expect((await verifyEvm(d)).valid).toBe(true);
    expect((await calldata(d)).data).toMatch(/^0x[0-9a-f]+$/);
  });
});

describe("messages", () => {
  it("a missing record's hint is a command that works as written", () => {
    const d = copy("no-keys");
    rmSync(join(d, "groth16", "keys"), { recursive: true });
    const r = zkmlc("prove", d, "-i", tinyInput);
    expect(r.code).toBe(1);
    const hint = /hint: run `zkmlc (setup [^`]+)`/.exec(r.stderr)?.[1];
    expect(hint).toBe(`setup ${d} --system groth16`);
    expect(zkmlc(...(hint as string).split(" ")).code).toBe(0);
    expect(zkmlc("prove", d, "-i", tinyInput).code).toBe(0);
    const none = zkmlc("verify", join(tmp, "nowhere"));
    expect(none.stderr).toMatch(/hint: run `zkmlc compile <model.onnx> -o \S*nowhere` first/);
  });

  it("the wrong input file is a shape error, not 'holds 196 samples'", () => {
    const digit = join(ROOT, "examples/mnist_mlp/input.json");
    const r = zkmlc("prove", dir, "-i", digit);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^error\[bad-shape\]: .*input.json: input "input" has 784 values but its shape \[1,4\] needs 4\n {2}hint: give one sample per input file/,
    );
  });

  it("run refuses an input outside --input-range before compiling anything", () => {
    const out = join(tmp, "run-out-of-range");
    const r = zkmlc("run", tiny, "-i", tinyInput, "--input-range", "0,0.5", "-o", out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^error\[input-out-of-range\]: input "input" element \d+ is -?[0-9.]+, outside the calibrated range \[0, 0.5\]/,
    );
    // Nothing was compiled: compile creates the build directory before its long work.
    expect(existsSync(out)).toBe(false);
  });

  it("verify-evm gives no gas figure for a proof the contract rejects", () => {
    const d = copy("malformed");
    const path = join(d, "groth16", "proof", "proof.json");
    const proof = JSON.parse(readFileSync(path, "utf8"));
    proof.pi_a[0] = (BigInt(proof.pi_a[0]) + 1n).toString(); // off the curve
    writeFileSync(path, JSON.stringify(proof));
    const r = zkmlc("verify-evm", d);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^groth16 on the EVM: INVALID: .* \(no gas figure/);
    expect(r.stdout).not.toMatch(/\d{5,}/);
    const json = JSON.parse(zkmlc("--json", "verify-evm", d).stdout);
    expect(json).toMatchObject({ ok: false, valid: false, gasUsed: null });
  });

  it("setup says whether the development keys are fresh or from the cache, never both", () => {
    const d = copy("setup-again");
    const again = zkmlc("setup", d);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/development keys from the key cache/);
    expect(again.stdout).not.toMatch(/fresh/);
    expect(again.stdout).toMatch(/WARNING: these are development keys: .*--contribute/);
  });

  it("the PLONK/FFLONK warning does not recommend the phase-2 contributions they cannot have", () => {
    for (const s of ["plonk", "fflonk"] as const) {
      expect(devSetupWarning(s)).toMatch(/no circuit-specific phase 2/);
      expect(devSetupWarning(s)).not.toMatch(/contribut/);
    }
    expect(devSetupWarning("groth16")).toMatch(/--contribute, then --beacon/);
  });

  it("conflicting setup options are an error listing every conflict, never resolved silently", () => {
    expect(setupMode({})).toBe("setup");
    expect(setupMode({ ptau: "p", verify: true })).toBe("verify");
    expect(setupMode({ contribute: true, entropy: "e" })).toBe("contribute");
    expect(setupMode({ beacon: "0xab", beaconIterations: 12 })).toBe("beacon");
    for (const [flags, what] of [
      [{ verify: true, contribute: true }, /--verify and --contribute are separate steps/],
      [{ contribute: true, beacon: "ab" }, /--contribute and --beacon are separate steps/],
      [{ ptau: "p", contribute: true }, /--ptau is for making or verifying keys, not for --contribute/],
      [{ entropy: "e" }, /--entropy only applies to --contribute/],
      [{ beaconIterations: 12, contribute: true }, /--beacon-iterations only applies to --beacon/],
    ] as const)
      expect(() => setupMode(flags)).toThrow(what);
    const r = zkmlc("setup", dir, "--verify", "--contribute", "--entropy", "x");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^error\[bad-input\]: conflicting setup options: --verify and --contribute .*; --entropy only/,
    );
  });

  it("--max-constraints blames what costs: the inputs' range checks, or a node that adds constraints", () => {
    const compileWithLimit = (n: number) =>
      zkmlc("compile", mnist, "-o", join(tmp, "big"), "--input-range", "0,1", "--max-constraints", String(n));
    const inputs = compileWithLimit(5000);
    expect(inputs.code).toBe(1);
    expect(inputs.stderr).toMatch(
      /^error\[too-large\]: the range checks of the inputs alone cost 7,056 constraints, above the limit of 5,000/,
    );
    const node = compileWithLimit(8000);
    expect(node.code).toBe(1);
    expect(node.stderr).toMatch(
      /node #\d+ "[^"]+" \(Relu\): at this node the circuit passes the limit of 8,000 constraints \(--max-constraints\): the node costs \d+/,
    );
    // The hint's command works with the same options.
    expect(node.stderr).toMatch(/hint: `zkmlc inspect .*model.onnx` lists the constraints of every node/);
    const inspect = zkmlc("inspect", mnist, "--input-range", "0,1", "--max-constraints", "8000");
    expect(inspect.code).toBe(0);
    expect(inspect.stdout).toMatch(
      /~8618 constraints .*\nabove --max-constraints 8000: compile would refuse/,
    );
  });

  it("without --max-constraints, a circuit past circom's wall is refused before circom runs, pointing to the direct backend", () => {
    // About 280k constraints: past the 250k where circom's 32-bit WebAssembly runs out of address space.
    const [m] = writeSweep(join(tmp, "models"), [cnn(16, 26)]);
    const out = join(tmp, "wall");
    const r = zkmlc("compile", m?.model as string, "-o", out, "--backend", "circom");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^error\[too-large\]: node #1 "relu" \(Relu\): at this node the circuit passes the limit of 250,000 constraints \(circom's limit: it runs as 32-bit WebAssembly/,
    );
    expect(r.stderr).toMatch(
      /hint: omit --backend circom: the direct backend has no such limit; or pass --max-constraints/,
    );
    expect(existsSync(out)).toBe(false);
  });
});

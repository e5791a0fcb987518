import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { releaseCurves } from "../../src/6-prove/curve.js";
import { ZkmlError } from "../../src/errors.js";
import { calldata, verifyEvm } from "../../src/steps/evm.js";
import { prove, witness } from "../../src/steps/prove.js";
import { run } from "../../src/steps/run.js";
import { exportVerifier, verify } from "../../src/steps/verify.js";
import { ROOT } from "../support/cli.js";
import { artifactMutations } from "./mutate-artifact.js";

/**
 * Damaged build directories through every step that reads them: a step may succeed or fail with a
 * user error (any code but "bug", so the CLI exits 1), never crash (exit 2) or hang. Each case restores
 * the build first, damages one file, runs the steps that read it.
 */
const tmp = mkdtempSync(join(tmpdir(), "zkmlc-artifact-fuzz-"));
const dir = join(tmp, "build");
const input = join(ROOT, "examples/tiny/input.json");
const pristine = join(tmp, "pristine");

type Step = "verify" | "calldata" | "verify-evm" | "export-verifier" | "prove" | "witness";
const STEPS: Record<Step, () => Promise<unknown>> = {
  verify: () => verify(dir),
  calldata: () => calldata(dir),
  "verify-evm": () => verifyEvm(dir),
  "export-verifier": () => exportVerifier(dir, { out: join(tmp, "Verifier.sol") }),
  prove: () => prove(dir, input),
  witness: () => witness(dir, input),
};

/** Each file of the build, whether it is JSON, the steps that read it and how many mutations it gets. */
const TARGETS: [string, boolean, Step[], number][] = [
  ["settings.json", true, ["verify", "calldata", "prove"], 60],
  ["groth16/keys/keys.json", true, ["verify", "export-verifier", "prove"], 30],
  ["groth16/keys/verification_key.json", true, ["verify", "export-verifier"], 30],
  ["groth16/keys/circuit.zkey", false, ["prove"], 8],
  ["groth16/proof/proof.json", true, ["verify", "calldata"], 30],
  ["groth16/proof/public.json", true, ["verify", "calldata"], 20],
  ["groth16/proof/output.json", true, ["verify"], 20],
  ["circuit.r1cs", false, ["prove"], 6],
  ["circuit.sym", false, ["witness"], 6],
  ["model.onnx", false, ["witness"], 6],
];

beforeAll(async () => {
  await run(join(ROOT, "examples/tiny/model.onnx"), { input, outDir: dir, inputRange: [-1, 1] });
  await witness(dir, input);
  cpSync(dir, pristine, { recursive: true });
});
afterAll(async () => {
  await releaseCurves();
  rmSync(tmp, { recursive: true, force: true });
});

describe("damaged build artifacts", () => {
  it("never crash a step or hang it: every outcome is success or a user error", async () => {
    const failures: string[] = [];
    const outcomes = new Map<string, number>();
    let cases = 0;
    let last: string | undefined;
    for (const [file, json, steps, n] of TARGETS) {
      const original = readFileSync(join(pristine, file));
      const mutations = artifactMutations(original, json, n, cases + 1);
      for (const m of mutations) {
        // verify-evm deploys a contract: run it on a sample of the JSON cases only.
        const chosen =
          cases % 5 === 0 && file.includes("groth16/") ? [...steps, "verify-evm" as const] : steps;
        for (const step of chosen) {
          // Put back what the last case damaged or a step rewrote (the records), then damage `file`.
          for (const f of new Set([last, "groth16/proof", "witness"]))
            if (f) cpSync(join(pristine, f), join(dir, f), { recursive: true });
          last = file;
          writeFileSync(join(dir, file), m.apply(original));
          const t0 = performance.now();
          let outcome = "ok";
          try {
            await STEPS[step]();
          } catch (e) {
            outcome = e instanceof ZkmlError ? e.code : "crash";
            if (!(e instanceof ZkmlError) || e.code === "bug")
              failures.push(
                `${file} [${m.kind}] ${step}: ${e instanceof Error ? e.stack?.split("\n").slice(0, 3).join(" | ") : String(e)}`,
              );
          }
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
          const s = (performance.now() - t0) / 1000;
          if (s > 60) failures.push(`${file} [${m.kind}] ${step}: took ${s.toFixed(0)} s`);
        }
        cases++;
      }
    }
    console.log(`${cases} damaged files, outcomes by error code:`, Object.fromEntries(outcomes));
    expect(cases).toBeGreaterThanOrEqual(200);
    expect(failures).toEqual([]);
  });
});

/**
 * Setup file of `npm run test:fast` (vitest.fast.config.ts), run in every worker before each test file.
 * The fast tier compiles nothing with circom and runs no snarkjs setup or proving: a test that does must be
 * tagged `{ tags: ["heavy"] }` or live in a file listed in HEAVY_FILES. So that one that is not cannot slip
 * in unnoticed, this file makes each of those entry points throw, naming the fix:
 * - circom: loading the circom2 package (fast-tier-guard.cjs; spawned CLIs load it through NODE_OPTIONS);
 * - snarkjs: setup, prove and fullProve of every system, the zkey and powers-of-tau commands;
 * - zkmlc's own setups: the local powers of tau (ensureLocalPtau, writeFastPtau) and the Groth16
 *   development key (groth16DevSetup, writeGroth16DevZkey);
 * - the CLI: `setup`, `prove`, `run` and `bench` through test/support/cli.ts.
 * Verifying a proof, computing a witness and checking it against an r1cs stay allowed.
 */
import { createRequire } from "node:module";
import { vi } from "vitest";

createRequire(import.meta.url)("./fast-tier-guard.cjs");

const { refuse, refuseAll } = vi.hoisted(() => {
  const refuse =
    (what: string) =>
    (..._args: unknown[]): never => {
      throw new Error(
        `${what} was called in \`npm run test:fast\`, which runs no snarkjs setup or proving and no circom ` +
          'compile: tag the test { tags: ["heavy"] } or list its file in HEAVY_FILES (vitest.fast.config.ts)',
      );
    };
  const refuseAll = <T extends object>(what: string, mod: T, names: readonly string[]): T => ({
    ...mod,
    ...Object.fromEntries(names.map((n) => [n, refuse(`${what}.${n}`)])),
  });
  return { refuse, refuseAll };
});

vi.mock("snarkjs", async (importOriginal) => {
  const s = await importOriginal<typeof import("snarkjs")>();
  const systems = ["setup", "prove", "fullProve"] as const;
  return {
    ...s,
    groth16: refuseAll("snarkjs.groth16", s.groth16, systems),
    plonk: refuseAll("snarkjs.plonk", s.plonk, systems),
    fflonk: refuseAll("snarkjs.fflonk", s.fflonk, systems),
    zKey: refuseAll("snarkjs.zKey", s.zKey, [
      "newZKey",
      "contribute",
      "beacon",
      "bellmanContribute",
      "verifyFromR1cs",
      "verifyFromInit",
    ]),
    powersOfTau: refuseAll("snarkjs.powersOfTau", s.powersOfTau, Object.keys(s.powersOfTau)),
  };
});

vi.mock("../../src/6-prove/ptau.js", async (importOriginal) => {
  const m = await importOriginal<typeof import("../../src/6-prove/ptau.js")>();
  return { ...m, ensureLocalPtau: refuse("ensureLocalPtau"), generateLocalPtau: refuse("generateLocalPtau") };
});

vi.mock("../../src/6-prove/ptau_fast.js", async (importOriginal) => {
  const m = await importOriginal<typeof import("../../src/6-prove/ptau_fast.js")>();
  return { ...m, writeFastPtau: refuse("writeFastPtau") };
});

vi.mock("../../src/6-prove/groth16_dev.js", async (importOriginal) => {
  const m = await importOriginal<typeof import("../../src/6-prove/groth16_dev.js")>();
  return {
    ...m,
    groth16DevSetup: refuse("groth16DevSetup"),
    writeGroth16DevZkey: refuse("writeGroth16DevZkey"),
  };
});

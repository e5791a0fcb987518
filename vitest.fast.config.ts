import { resolve } from "node:path";
import { configDefaults, defineConfig, mergeConfig } from "vitest/config";
import { config } from "./vitest.config.js";

/**
 * `npm run test:fast`, the inner-loop tier: everything but circom compiles and snarkjs setups and proofs
 * (at most 3 minutes on a 2-core machine). `npm test` runs everything, these included.
 *
 * Membership: a test is in the fast tier unless
 * - its file is listed in HEAVY_FILES (files whose every test, or whose shared fixture, compiles with
 *   circom or proves), or
 * - it is tagged `{ tags: ["heavy"] }` (such a test in an otherwise fast file; a `describe` can carry it).
 * A test that compiles with circom or runs a setup or prove without either fails here at once, saying so
 * (test/support/fast-tier.ts): it cannot slip into the fast tier unnoticed.
 */
export const HEAVY_FILES = [
  // End to end through the CLI or the steps: compile, setup, prove, verify.
  "test/e2e/**",
  "test/soundness/**",
  "test/corpus/**",
  "test/fuzz/**",
  // Each test compiles a model with both backends (circom --O2 for the equivalence check).
  "test/bounds/**",
  // Each template case runs on both backends, circom's compiled in a shared beforeAll.
  "test/circuits/**",
  "src/3-lower/output-rank.test.ts",
  "src/4-emit/emit.test.ts",
  // A shared fixture compiled with circom or a key set up in beforeAll.
  "src/5-compile/r1cs.test.ts",
  "src/6-prove/evm.test.ts",
  "src/6-prove/groth16.test.ts",
  "src/6-prove/groth16_dev.test.ts",
  "src/6-prove/ptau_fast.test.ts",
  "src/6-prove/witness.test.ts",
];

// The tests tagged "heavy" stay out. (tagsFilter is typed as a command-line option; the config file's is honoured.)
const withoutHeavy = { tagsFilter: ["!heavy"] };

export default mergeConfig(
  config,
  defineConfig({
    test: {
      // Its own name, so its own folder in vitest's cache: the timings by which the full suite orders its
      // files (test/support/sequencer.ts) are the full suite's.
      name: "fast",
      exclude: [...configDefaults.exclude, ...HEAVY_FILES],
      ...withoutHeavy,
      setupFiles: ["test/support/fast-tier.ts"],
      env: {
        ZKMLC_TEST_TIER: "fast",
        // The circom guard in the processes the tests spawn (the CLI under tsx) too.
        NODE_OPTIONS: [
          process.env.NODE_OPTIONS ?? "",
          `--require ${JSON.stringify(resolve(import.meta.dirname, "test/support/fast-tier-guard.cjs"))}`,
        ]
          .join(" ")
          .trim(),
      },
    },
  }),
);

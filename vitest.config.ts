import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { configDefaults, defineConfig, type ViteUserConfig } from "vitest/config";
import { LongestFirst } from "./test/support/sequencer.js";

/**
 * The op tests (114 files that build one-op models and check them) share their worker processes
 * (isolate: false) instead of starting a fresh process and importing the compiler anew for each file:
 * that takes them from about 190 s to 70 s on a 2-core machine. They keep no state between files but
 * their temporary folders, which test/support/setup.ts removes after each file. Every other test file
 * runs in a fresh process.
 */
const SHARED_WORKERS = ["src/3-lower/ops/**/*.test.ts"];

/** The whole suite: `npm test`. The fast tier, `npm run test:fast`, is vitest.fast.config.ts. */
export const config: ViteUserConfig = {
  test: {
    // No time limit that a loaded machine could trip: a slow test is not a failing one. These only end a
    // hang (the longest test takes about a minute on an idle 2-core machine).
    testTimeout: 3_600_000,
    hookTimeout: 3_600_000,
    pool: "forks",
    // vitest's default is one worker fewer than the cores: one worker on a 2-core machine. Use them all.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    sequence: { sequencer: LongestFirst },
    globalSetup: ["test/support/global-setup.ts"],
    setupFiles: ["test/support/setup.ts"],
    tags: [
      {
        name: "heavy",
        description:
          "compiles with circom or runs a snarkjs setup or prove: left out of `npm run test:fast` (vitest.fast.config.ts)",
      },
    ],
    env: {
      // Local powers of tau are cached per repository, shared by test files and runs, never in ~/.cache.
      ZKMLC_CACHE: resolve(import.meta.dirname, ".cache/zkmlc"),
      // onnxruntime-node's telemetry otherwise leaves a mat-debug-<pid>.log in the temp folder per process.
      ORT_DISABLE_TELEMETRY: "1",
    },
    projects: [
      { extends: true, test: { name: "ops", include: SHARED_WORKERS, isolate: false } },
      {
        extends: true,
        test: {
          name: "isolated",
          include: ["src/**/*.test.ts", "test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, ...SHARED_WORKERS],
        },
      },
    ],
  },
};

export default defineConfig(config);

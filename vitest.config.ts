import { resolve } from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    pool: "forks",
    // Local powers of tau are cached per repository, shared by test files and runs, never in ~/.cache.
    env: { ZKMLC_CACHE: resolve(import.meta.dirname, ".cache/zkmlc") },
  },
});

import { existsSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";

/**
 * Runs once around the whole test run (vitest's globalSetup). The tests run the CLI under tsx
 * (test/support/cli.ts), and tsx keeps a compile cache in the temp folder (tsx-<uid>, as tsx names it):
 * remove it at the end if this run made it, so that the suite leaves the temp folder as it found it
 * (`.ci/run` checks).
 */
export default function setup(): () => void {
  const tsxCache = join(tmpdir(), `tsx-${process.geteuid?.() ?? userInfo().username}`);
  const ours = !existsSync(tsxCache);
  return () => {
    if (ours) rmSync(tsxCache, { recursive: true, force: true });
  };
}

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The folders tempDir made during the current test file. */
const made = new Set<string>();

/**
 * A fresh folder in the temp folder, removed after the current test file's tests (also when they fail):
 * test/support/setup.ts, a setup file of both tiers, calls removeTempDirs after each file.
 */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.add(dir);
  return dir;
}

/** Remove a tempDir folder now, before the end of the file. */
export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  made.delete(dir);
}

/** Remove every tempDir folder of the current test file. */
export function removeTempDirs(): void {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
  made.clear();
}

import { statSync } from "node:fs";
import { relative } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * Where the suite's time goes, longest first (test files under these paths, in this order): used to start
 * the long files first when vitest has no timings of its own yet (a fresh clone, as in CI), so that no
 * worker picks up a minute-long file at the end while the other one idles. Not needed for correctness.
 */
const LONGEST_FIRST = [
  "test/corpus/",
  "src/4-emit/emit.test.ts",
  "test/circuits/commit.test.ts",
  "test/fuzz/",
  "test/e2e/",
  "test/soundness/",
  "src/6-prove/",
  "test/circuits/",
  "test/bounds/",
];

/**
 * Test files longest first, whatever their project: by vitest's timings of the last run, files it has no
 * timing for first (by LONGEST_FIRST, then by size).
 */
export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const rel = (f: TestSpecification) => relative(root, f.moduleId);
    const timing = (f: TestSpecification) =>
      this.ctx.cache.getFileTestResults(`${f.project.name}:${rel(f)}`)?.duration;
    const rank = (f: TestSpecification) => {
      const i = LONGEST_FIRST.findIndex((p) => rel(f).startsWith(p));
      return i < 0 ? LONGEST_FIRST.length : i;
    };
    const size = (f: TestSpecification) => statSync(f.moduleId, { throwIfNoEntry: false })?.size ?? 0;
    return [...files].sort((a, b) => {
      const ta = timing(a);
      const tb = timing(b);
      if (ta !== undefined && tb !== undefined) return tb - ta;
      if (ta !== undefined) return 1;
      if (tb !== undefined) return -1;
      return rank(a) - rank(b) || size(b) - size(a);
    });
  }
}

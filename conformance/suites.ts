/** Where the conformance suites live and which tests they hold (sorted, so every report is deterministic). */
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

export type SuiteName = "debian" | "corpus" | "ezkl";

export const SUITES: Record<SuiteName, { dir: string; what: string; marker: string }> = {
  debian: {
    dir: "/usr/share/libonnx-testdata/data/node",
    what: "ONNX backend node tests, ONNX 1.12 (Debian package libonnx-testdata)",
    marker: "model.onnx",
  },
  corpus: {
    dir: join(ROOT, "..", "shared", "corpus", "onnx-node"),
    what: "ONNX backend node tests, opsets up to 28 (../shared/corpus/onnx-node)",
    marker: "model.onnx",
  },
  ezkl: {
    dir: join(ROOT, "..", "shared", "corpus", "ezkl"),
    what: "EZKL example models (../shared/corpus/ezkl) against ort_output.json",
    marker: "network.onnx",
  },
};

/** Test folder names of a suite; empty when the suite is not installed. */
export function listTests(suite: SuiteName): string[] {
  const { dir, marker } = SUITES[suite];
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((d) => existsSync(join(dir, d, marker)))
    .sort();
}

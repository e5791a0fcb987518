import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Sample } from "../../src/steps/inputs.js";
import type { CompileOptions } from "../../src/steps/settings.js";
import { FIXED, writeTempModel } from "./op-check.js";

/**
 * Compile options whose per-input ranges come from these samples (min/max per input), at the fixed test
 * scales: for ops that need an input range other than [-1, 1] (a divisor proven positive, a square root's
 * non-negative argument).
 */
export function calibrated(samples: Sample[]): CompileOptions {
  const dir = join(writeTempModel(new Uint8Array(), "unused.onnx"), "..");
  const path = join(dir, "calibration.json");
  writeFileSync(path, JSON.stringify(samples.map((s) => ({ input_data: s.map((a) => Array.from(a)) }))));
  const { inputRange: _, ...rest } = FIXED;
  return { ...rest, calibration: path };
}

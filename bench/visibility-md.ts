/** The "Visibility" section of bench/RESULTS.md, from bench/visibility.ts's report. */
import { existsSync, readFileSync } from "node:fs";
import type { InputVisibility, OutputVisibility, ParamVisibility } from "../src/3-lower/ir.js";
import { int, mdTable, secs } from "../src/bench/format.js";
import type { describeMachine } from "../src/bench/machine.js";

export interface VisibilityRow {
  input: InputVisibility;
  output: OutputVisibility;
  param: ParamVisibility;
  constraints: number;
  publicSignals: number;
  proveSeconds: number;
  /** Gas of a whole verifyProof transaction on the in-process EVM; null when it could not run. */
  verifyGas: number | null;
  /** Why not (a verifier over the EVM's contract size limit). */
  evmError?: string;
}

export interface VisibilityReport {
  zkmlc: string;
  date: string;
  machine: ReturnType<typeof describeMachine>;
  rows: VisibilityRow[];
}

const ORDER = { fixed: 0, hashed: 1, private: 2, public: 0 } as Record<string, number>;

/** The section's lines, or none when there is no report at `path`. */
export function visibilitySection(path: string): string[] {
  if (!existsSync(path)) return [];
  const r = JSON.parse(readFileSync(path, "utf8")) as VisibilityReport;
  const rows = [...r.rows].sort(
    (a, b) =>
      (ORDER[a.param] ?? 0) - (ORDER[b.param] ?? 0) ||
      (ORDER[a.output] ?? 0) - (ORDER[b.output] ?? 0) ||
      a.input.localeCompare(b.input),
  );
  return [
    "## Visibility (`npm run bench:visibility`)",
    "",
    `MNIST MLP (inputs [0, 1]) for every --input-visibility × --output-visibility × --param-visibility, one run`,
    `each with a development Groth16 key on ${r.machine.cores} cores (${r.date.slice(0, 10)}, zkmlc ${r.zkmlc}).`,
    "Gas is a whole verifyProof transaction on the in-process EVM (Prague).",
    "",
    mdTable(
      ["inputs", "outputs", "weights", "constraints", "public signals", "prove", "verify gas"],
      rows.map((x) => [
        x.input,
        x.output,
        x.param,
        int(x.constraints),
        String(x.publicSignals),
        secs(x.proveSeconds),
        x.verifyGas === null ? `– (${x.evmError ?? "not run"})` : int(x.verifyGas),
      ]),
    ),
    "",
  ];
}

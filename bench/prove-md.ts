/** The "CLI overhead" section of bench/RESULTS.md, from bench/prove.ts's and bench/startup.ts's reports. */
import { existsSync, readFileSync } from "node:fs";
import { int, mdTable, secs } from "../src/bench/format.js";
import type { describeMachine } from "../src/bench/machine.js";

export interface ProveModelResult {
  model: string;
  constraints: number;
  runs: number;
  /** Seconds, medians over the interleaved runs; each a whole process. */
  medians: { zkmlcProve: number; zkmlcProveNoReference: number; snarkjsProve: number };
  ratio: { prove: number; proveNoReference: number };
  batch: {
    inputs: number;
    /** Seconds of one `zkmlc prove` process proving every input. */
    oneProcess: number;
    /** inputs × the median single `zkmlc prove` process. */
    perProofProcesses: number;
    proofsPerMinute: number;
    singleProofsPerMinute: number;
  };
}

interface Report<T> {
  zkmlc: string;
  date: string;
  machine: ReturnType<typeof describeMachine>;
  results: T[];
}

export interface StartupResult {
  command: string;
  medianMs: number;
  /** Over `node -e 0`'s median in the same run. */
  ratio: number;
}

export function proveTable(results: ProveModelResult[]): string {
  return mdTable(
    [
      "model",
      "constraints",
      "zkmlc prove",
      "--no-reference",
      "snarkjs groth16 prove",
      "zkmlc / snarkjs",
      "batch: proofs/min (one process)",
      "proofs/min (a process each)",
    ],
    results.map((r) => [
      r.model,
      int(r.constraints),
      secs(r.medians.zkmlcProve),
      secs(r.medians.zkmlcProveNoReference),
      secs(r.medians.snarkjsProve),
      `${r.ratio.prove.toFixed(2)}× (${r.ratio.proveNoReference.toFixed(2)}×)`,
      `${r.batch.proofsPerMinute.toFixed(1)} (${r.batch.inputs} inputs)`,
      r.batch.singleProofsPerMinute.toFixed(1),
    ]),
  );
}

const read = <T>(path: string) =>
  existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as Report<T>) : undefined;

/** The section's lines, or none when neither report exists. */
export function overheadSection(provePath: string, startupPath: string): string[] {
  const prove = read<ProveModelResult>(provePath);
  const startup = read<StartupResult>(startupPath);
  if (!prove && !startup) return [];
  const when = (r: Report<unknown>) =>
    `${r.date.slice(0, 10)}, zkmlc ${r.zkmlc}, ${r.machine.cores} × ${r.machine.cpu}`;
  return [
    "## CLI overhead (`npm run bench:prove`, `npm run bench:startup`)",
    "",
    "What the CLI adds to the work it wraps, each command a whole process as a user runs it, interleaved so a busy machine slows them alike (medians).",
    "",
    ...(prove
      ? [
          `\`zkmlc prove\` against snarkjs's own CLI (\`snarkjs groth16 prove\`) on the same proving key and witness; the batch is one \`zkmlc prove --input\` of an array of inputs against one process per input (${when(prove)}, ${prove.results[0]?.runs ?? 0} runs):`,
          "",
          proveTable(prove.results),
          "",
        ]
      : []),
    ...(startup
      ? [
          `Start-up of the built CLI (${when(startup)}):`,
          "",
          mdTable(
            ["command", "median", "over `node -e 0`"],
            startup.results.map((r) => [r.command, `${r.medianMs.toFixed(0)} ms`, `${r.ratio.toFixed(2)}×`]),
          ),
          "",
        ]
      : []),
  ];
}

import { fork } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { fail, ZkmlError } from "../errors.js";
import type { ChildMessage, RunJob, RunOutcome } from "./protocol.js";
import type { Step } from "./types.js";

export type StepEvent =
  | { type: "step-start"; step: Step }
  | { type: "step-end"; step: Step; seconds: number; peakRss: number };

/** The measurement process's entry: child.js in dist/, child.ts when running from source (tsx, vitest). */
function childEntry(): { path: string; execArgv: string[] } {
  const js = fileURLToPath(new URL("./child.js", import.meta.url));
  if (existsSync(js)) return { path: js, execArgv: ["--expose-gc"] };
  // From source, the child needs tsx's loader, resolved from here so any working directory works.
  return {
    path: fileURLToPath(new URL("./child.ts", import.meta.url)),
    execArgv: ["--expose-gc", "--import", import.meta.resolve("tsx")],
  };
}

/** One run of every step in a fresh process (see child.ts); onBatch when its batch proving starts. */
export function runInChild(
  job: RunJob,
  onStep?: (e: StepEvent) => void,
  onBatch?: (proofs: number) => void,
): Promise<RunOutcome> {
  const entry = childEntry();
  return new Promise((resolve, reject) => {
    const child = fork(entry.path, [], {
      execArgv: entry.execArgv,
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    let stderr = "";
    let settled = false;
    child.stderr?.on("data", (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    child.on("message", (m: ChildMessage) => {
      if (m.type === "step-start") onStep?.({ type: "step-start", step: m.step });
      else if (m.type === "step-end")
        onStep?.({ type: "step-end", step: m.step, seconds: m.seconds, peakRss: m.peakRss });
      else if (m.type === "batch-start") onBatch?.(m.proofs);
      else if (m.type === "done") {
        settled = true;
        resolve(m.outcome);
      } else {
        settled = true;
        const e = m.error;
        reject(
          new ZkmlError(e.code as ZkmlError["code"], e.stack ?? e.message, e.hint ? { hint: e.hint } : {}),
        );
      }
    });
    child.on("error", (e) => {
      if (!settled) reject(e);
      settled = true;
    });
    child.on("exit", (code, signal) => {
      if (settled) return;
      settled = true;
      try {
        fail(
          "bug",
          `the benchmark process exited (${signal ?? `code ${code}`}) before reporting: ${stderr.trim()}`,
        );
      } catch (e) {
        reject(e);
      }
    });
    child.send({ type: "run", job });
  });
}

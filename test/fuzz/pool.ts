/**
 * Runs fuzz cases in worker processes (worker.ts), one case at a time per worker, so a case that crashes
 * natively, runs out of memory or hangs is a reported failure and the rest still run: a worker that dies
 * fails its case and is replaced; a case past the elapsed-time limit is killed and reported as a hang.
 */
import { type ChildProcess, fork } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "../support/cli.js";
import type { FuzzResult, FuzzTask, WorkerMessage } from "./protocol.js";

export interface PoolOptions {
  size: number;
  /** Scratch folder the workers write case files to (the caller removes it). */
  tmp: string;
  /** Per-case elapsed-time limit. */
  limitMs: number;
  /** V8 heap limit of a worker, so a runaway allocation fails that worker instead of the machine. */
  heapMb?: number;
}

const WORKER = join(ROOT, "test", "fuzz", "worker.ts");

export async function runCases(tasks: readonly FuzzTask[], opts: PoolOptions): Promise<FuzzResult[]> {
  const queue = [...tasks];
  const results: FuzzResult[] = [];
  let live = 0;
  let done!: () => void;
  let broken!: (e: Error) => void;
  const finished = new Promise<void>((resolve, reject) => {
    done = resolve;
    broken = reject;
  });

  const spawn = (): void => {
    const child: ChildProcess = fork(WORKER, [], {
      cwd: ROOT,
      execArgv: ["--import", "tsx", `--max-old-space-size=${opts.heapMb ?? 2048}`],
      env: { ...process.env, ZKMLC_FUZZ_TMP: opts.tmp },
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    live++;
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-1500);
    });
    let current: { task: FuzzTask; started: number; timer: NodeJS.Timeout } | undefined;
    // Killed for a hang: a result it may still send is stale, and it takes no further case.
    let killed = false;
    const finish = (r: FuzzResult) => {
      if (!current) return;
      clearTimeout(current.timer);
      current = undefined;
      results.push(r);
    };
    const next = () => {
      const task = queue.shift();
      if (!task) {
        child.kill();
        return;
      }
      stderr = "";
      const started = performance.now();
      const timer = setTimeout(() => {
        finish({
          ...task,
          outcome: "failure",
          detail: `hang: over ${opts.limitMs / 1000} s, killed`,
          ms: performance.now() - started,
        });
        killed = true;
        child.kill("SIGKILL");
      }, opts.limitMs);
      current = { task, started, timer };
      child.send(task);
    };
    let ready = false;
    child.on("message", (m: WorkerMessage) => {
      if (killed) return;
      if ("ready" in m) {
        ready = true;
        next();
      } else {
        finish(m.result);
        next();
      }
    });
    child.on("exit", (code, signal) => {
      live--;
      // A worker that cannot even start would be respawned forever: that is a harness error.
      if (!ready) return broken(new Error(`fuzz worker failed to start (exit ${code}): ${stderr}`));
      if (current)
        finish({
          ...current.task,
          outcome: "failure",
          detail: `worker died (exit ${code}, signal ${signal}): ${stderr.trim().split("\n").slice(-6).join(" | ")}`,
          ms: performance.now() - current.started,
        });
      if (queue.length > 0) spawn();
      else if (live === 0) done();
    });
  };

  for (let i = 0; i < Math.min(opts.size, queue.length); i++) spawn();
  if (queue.length === 0) return results;
  await finished;
  return results.sort((a, b) => (a.kind === b.kind ? a.id - b.id : a.kind < b.kind ? -1 : 1));
}

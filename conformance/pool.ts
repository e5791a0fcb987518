/**
 * A small pool of child processes (worker.ts under tsx). Each runs one task at a time; a task that
 * exceeds its time limit or kills its process (out of memory, native crash) becomes a failed result and
 * the process is replaced, so one test never stops the run. Processes are also recycled every
 * `recycleAfter` tasks to bound memory growth (wasm witness calculators, onnxruntime sessions).
 */
import { type ChildProcess, fork } from "node:child_process";
import { join } from "node:path";
import type { Task, TestResult } from "./result.js";
import { ROOT } from "./suites.js";

interface Job {
  task: Task;
  timeoutMs: number;
  resolve: (r: TestResult) => void;
}

interface Slot {
  child: ChildProcess | undefined;
  done: number;
  busy: boolean;
}

export interface PoolOptions {
  size: number;
  env: NodeJS.ProcessEnv;
  recycleAfter?: number;
}

export class Pool {
  private readonly queue: Job[] = [];
  private readonly slots: Slot[];
  private nextId = 0;

  constructor(private readonly opts: PoolOptions) {
    this.slots = Array.from({ length: opts.size }, () => ({ child: undefined, done: 0, busy: false }));
  }

  run(task: Task, timeoutMs: number): Promise<TestResult> {
    return new Promise((resolve) => {
      this.queue.push({ task, timeoutMs, resolve });
      this.pump();
    });
  }

  /** Stop every worker process this pool started. */
  close(): void {
    for (const s of this.slots) {
      s.child?.kill("SIGKILL");
      s.child = undefined;
    }
  }

  private spawn(): ChildProcess {
    return fork(join(ROOT, "conformance", "worker.ts"), [], {
      cwd: ROOT,
      env: this.opts.env,
      execArgv: ["--import", "tsx", "--max-old-space-size=6144"],
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.busy) continue;
      const job = this.queue.shift();
      if (!job) return;
      this.start(slot, job);
    }
  }

  private start(slot: Slot, job: Job): void {
    slot.busy = true;
    if (!slot.child || slot.done >= (this.opts.recycleAfter ?? 40)) {
      slot.child?.kill("SIGKILL");
      slot.child = this.spawn();
      slot.done = 0;
    }
    const child = slot.child;
    const id = this.nextId++;
    const t0 = performance.now();
    let stderr = "";
    const onErr = (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
    };
    child.stderr?.on("data", onErr);
    const finish = (result: TestResult, kill: boolean) => {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
      child.stderr?.off("data", onErr);
      if (kill) {
        child.kill("SIGKILL");
        slot.child = undefined;
      }
      slot.done++;
      slot.busy = false;
      job.resolve(result);
      this.pump();
    };
    const failed = (code: string, reason: string): TestResult => ({
      suite: job.task.suite,
      name: job.task.name,
      op: job.task.op,
      ops: job.task.ops,
      status: "fail",
      code,
      reason,
      ...(job.task.kind === "node" ? { bound: job.task.bind } : {}),
      seconds: (performance.now() - t0) / 1000,
    });
    const onMessage = (m: { id: number; result: TestResult }) => {
      if (m.id === id) finish(m.result, false);
    };
    const onExit = (code: number | null, signal: string | null) => {
      const last = stderr.trim().split("\n").slice(-3).join(" | ");
      finish(
        failed("crash", `worker process exited (${signal ?? `code ${code}`}): ${last}`.slice(0, 600)),
        true,
      );
    };
    const timer = setTimeout(
      () => finish(failed("timeout", `no result within ${job.timeoutMs / 1000} s`), true),
      job.timeoutMs,
    );
    child.on("message", onMessage);
    child.on("exit", onExit);
    child.send({ id, task: job.task });
  }
}

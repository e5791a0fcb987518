/** Messages between the fuzz test (pool.ts) and its worker processes (worker.ts). */

export interface FuzzTask {
  /** "probe": the pool's own check (id 0: the worker dies, id 1: it hangs). */
  kind: "onnx" | "input" | "probe";
  id: number;
}

/**
 * A case's outcome: "ok" (accepted), "user-error" (a ZkmlError whose code is not "bug": what a bad file
 * must give), or "failure" (anything else: another exception, a "bug" error, a dead worker, a hang).
 */
export interface FuzzResult extends FuzzTask {
  outcome: "ok" | "user-error" | "failure";
  /** The ZkmlError code of a user error. */
  code?: string;
  /** What went wrong, for a failure: stage, error and the top of its stack. */
  detail?: string;
  ms: number;
}

export type WorkerMessage = { ready: true } | { result: FuzzResult };

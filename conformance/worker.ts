/**
 * A worker process of the conformance pool: runs the tasks its parent sends, one at a time, and answers
 * each with its result. The parent kills it on a timeout, so nothing here needs to be interruptible.
 */
import { releaseCurves } from "../src/6-prove/curve.js";
import { runEzklModel } from "./ezkl.js";
import type { Task, TestResult } from "./result.js";
import { runNodeTest } from "./run-node.js";

interface Request {
  id: number;
  task: Task;
}

process.on("message", (msg: Request) => {
  const run = msg.task.kind === "ezkl" ? runEzklModel : runNodeTest;
  run(msg.task)
    .catch(
      (e): TestResult => ({
        suite: msg.task.suite,
        name: msg.task.name,
        op: msg.task.op,
        ops: msg.task.ops,
        status: "fail",
        code: "crash",
        reason: String(e),
      }),
    )
    .then(async (result) => {
      // snarkjs's curve worker threads would otherwise pile up across proving tasks.
      if (msg.task.prove) await releaseCurves();
      process.send?.({ id: msg.id, result });
    });
});

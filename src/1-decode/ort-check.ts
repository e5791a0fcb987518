/**
 * onnxruntime session creation in a child process. Building a session runs ONNX's type and shape
 * inference, whose C++ asserts abort the whole process on some malformed models (e.g. a negative Tile
 * repeat feeding a Slice: "std::clamp ... Assertion '!(__hi < __lo)' failed"); in a child, that is a
 * refusal to report instead of zkmlc dying. The child is started on first use (about 0.1 s: a Node start
 * and onnxruntime's load) and serves later checks of the same process; one that dies is replaced.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";

/**
 * Requests on stdin: a u32 byte count, then that many bytes of length-prefixed models. One JSON line
 * per request on stdout: per model, null (onnxruntime loads it) or its error message.
 */
const CHILD = `
const ort = require(process.argv[1]);
let buf = Buffer.alloc(0);
let busy = false;
async function check(bytes) {
  try {
    const s = await ort.InferenceSession.create(bytes, {
      graphOptimizationLevel: "disabled", intraOpNumThreads: 1, interOpNumThreads: 1, logSeverityLevel: 3,
    });
    await s.release();
    return null;
  } catch (e) {
    return String((e && e.message) || e);
  }
}
async function pump() {
  if (busy) return;
  busy = true;
  while (buf.length >= 4 && buf.length >= 4 + buf.readUInt32LE(0)) {
    const req = buf.subarray(4, 4 + buf.readUInt32LE(0));
    buf = buf.subarray(4 + req.length);
    const out = [];
    for (let at = 0; at < req.length; at += 4 + req.readUInt32LE(at))
      out.push(await check(req.subarray(at + 4, at + 4 + req.readUInt32LE(at))));
    process.stdout.write(JSON.stringify(out) + "\\n");
  }
  busy = false;
}
process.stdin.on("data", (c) => { buf = Buffer.concat([buf, c]); pump(); });
process.stdin.on("end", () => process.exit(0));
`;

const ORT = createRequire(import.meta.url).resolve("onnxruntime-node");

interface Server {
  child: ChildProcess;
  /** The answer to the request in flight, or the reason the child died. */
  answer?: (line: string | { died: string; tail: string }) => void;
}

let server: Server | undefined;
/** Requests run one at a time, so a crash is the model in flight's. */
let queue: Promise<unknown> = Promise.resolve();

/** Keep the process alive only while a check is in flight. */
function hold(s: Server, on: boolean): void {
  for (const h of [s.child, s.child.stdin, s.child.stdout, s.child.stderr] as ({
    ref?: () => void;
    unref?: () => void;
  } | null)[])
    on ? h?.ref?.() : h?.unref?.();
}

function start(): Server {
  const child = spawn(process.execPath, ["-e", CHILD, ORT], { stdio: ["pipe", "pipe", "pipe"] });
  const s: Server = { child };
  let out = "";
  let err = "";
  child.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
    const nl = out.indexOf("\n");
    if (nl < 0) return;
    const line = out.slice(0, nl);
    out = out.slice(nl + 1);
    s.answer?.(line);
  });
  child.stderr?.on("data", (d: Buffer) => {
    err = (err + d.toString()).slice(-2000);
  });
  const died = (why: string) => {
    if (server === s) server = undefined;
    s.answer?.({ died: why, tail: err.trim().split("\n").filter(Boolean).slice(-2).join(" ") });
  };
  child.on("error", (e) => died(`could not be started (${e.message})`));
  child.on("exit", (code, signal) => died(signal ?? `exit ${code}`));
  // A child that dies mid-request closes its stdin; its exit says why.
  child.stdin?.on("error", () => {});
  hold(s, false);
  return s;
}

function request(models: readonly Uint8Array[]): Promise<(string | undefined)[]> {
  return new Promise((resolve) => {
    if (!server) server = start();
    const s = server;
    s.answer = (line) => {
      s.answer = undefined;
      hold(s, false);
      const crashed = (why: string, tail = "") =>
        resolve(
          models.map(
            () => `onnxruntime crashed (${why}) inferring the model's types and shapes${tail && `: ${tail}`}`,
          ),
        );
      if (typeof line !== "string") return crashed(line.died, line.tail);
      try {
        const res = JSON.parse(line) as (string | null)[];
        resolve(models.map((_, i) => res[i] ?? undefined));
      } catch {
        crashed("an unreadable answer", line.slice(0, 200));
      }
    };
    hold(s, true);
    const frames = models.flatMap((m) => {
      const len = Buffer.alloc(4);
      len.writeUInt32LE(m.length);
      return [len, m];
    });
    const total = Buffer.alloc(4);
    total.writeUInt32LE(frames.reduce((n, f) => n + f.length, 0));
    s.child.stdin?.write(Buffer.concat([total, ...frames]));
  });
}

/**
 * For each model, undefined when onnxruntime builds a session from it, else its error message; when the
 * child dies on a model (an abort in onnxruntime), every model of the request gets "onnxruntime crashed".
 */
export function ortSessionErrors(models: readonly Uint8Array[]): Promise<(string | undefined)[]> {
  const next = queue.then(() => request(models));
  queue = next.catch(() => undefined);
  return next;
}

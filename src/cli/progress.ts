import { seconds, table } from "../format.js";

/**
 * What a person sees while a command works. On a terminal (and not --json), a step that has lasted
 * about a second gets a live line on stderr (the step, its elapsed time and the latest sub-step
 * message), rewritten in place; when the command ends the line is cleared and `summary()` gives a
 * timing table of the steps and their sub-steps. `-v` adds a timestamped line per step and sub-step
 * message, on a terminal or not. With --json, or off a terminal without -v, nothing is written.
 */
export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  json?: boolean;
  verbose?: boolean;
  /** Where the progress goes (default process.stderr). */
  out?: ProgressStream;
  /** Allow the live line at all (a command with its own progress display turns it off). */
  live?: boolean;
  /** Milliseconds since some origin (default performance.now). */
  now?: () => number;
  /** How long a step runs before its live line appears (ms, default 1000). */
  delayMs?: number;
  /** How often the live line is redrawn (ms, default 150). */
  intervalMs?: number;
}

/** One row of the timing table: a step (depth 0) or a sub-step within it (depth 1). */
export interface StepTiming {
  step: string;
  seconds: number;
  depth: 0 | 1;
}

export interface Progress {
  /** The live line is on (a terminal, not --json). */
  readonly live: boolean;
  /** A sub-step message from a step (what steps take as their `log` option). */
  log(msg: string): void;
  /** Transient detail for the live line only (e.g. `12/100 samples`): not logged, not a sub-step. */
  status(msg: string): void;
  /** Begin a named step; ends the previous one. */
  step(name: string): void;
  /** Stop: clear the live line and return the timings. Safe to call more than once. */
  finish(): StepTiming[];
  /** After finish: the timing table, when the live line was on and the command took over a second. */
  summary(): string | undefined;
}

/**
 * Tool chatter (snarkjs's own lines) and reports of a finished sub-step ("... in 1.2 s") describe the
 * current sub-step rather than begin one: they update the live line but are no row of the table.
 */
export function isDetail(msg: string): boolean {
  return /^snarkjs\b/.test(msg) || /(\bin|:) \d+(\.\d+)? ?m?s\b/.test(msg);
}

const MAX_LABEL = 60;
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, Math.max(0, n - 1))}…` : s);

export function createProgress(opts: ProgressOptions = {}): Progress {
  const out = opts.out ?? process.stderr;
  const now = opts.now ?? (() => performance.now());
  const delay = opts.delayMs ?? 1000;
  const live = !opts.json && opts.live !== false && out.isTTY === true;
  const verbose = !opts.json && opts.verbose === true;
  const t0 = now();

  const rows: StepTiming[] = [];
  let current: { row: StepTiming; start: number } | undefined;
  let sub: { row: StepTiming; start: number } | undefined;
  let detail = "";
  let shown = false;
  let finished = false;
  let total = 0;
  let timer: ReturnType<typeof setInterval> | undefined;

  const line = () => {
    const name = current?.row.step ?? "";
    const elapsed = current ? seconds((now() - current.start) / 1000) : "";
    const text = `  ${name} ${elapsed}${detail ? `  ${detail}` : ""}`;
    // A line that wraps cannot be rewritten in place: cut it to the terminal (80 if it says nothing).
    const columns = out.columns && out.columns > 0 ? out.columns : 80;
    return clip(text, Math.max(20, columns - 1));
  };
  const draw = () => {
    shown = true;
    out.write(`\r\x1b[2K${line()}`);
  };
  const clear = () => {
    if (shown) out.write("\r\x1b[2K");
    shown = false;
  };
  const tick = () => {
    if (finished || !current) return;
    if (shown || now() - current.start >= delay) draw();
  };
  const stamp = (indent: string, msg: string) => {
    const t = `[${((now() - t0) / 1000).toFixed(2).padStart(6)} s] `;
    const body = msg
      .split("\n")
      .map((l, i) => (i === 0 ? `${t}${indent}${l}` : `${" ".repeat(t.length)}${indent}${l}`))
      .join("\n");
    const wasShown = shown;
    clear();
    out.write(`${body}\n`);
    if (wasShown) draw();
  };
  const endSub = (at: number) => {
    if (sub) sub.row.seconds = (at - sub.start) / 1000;
    sub = undefined;
  };
  const endStep = (at: number) => {
    endSub(at);
    if (current) current.row.seconds = (at - current.start) / 1000;
    current = undefined;
  };

  if (live) {
    timer = setInterval(tick, opts.intervalMs ?? 150);
    timer.unref?.();
  }

  return {
    live,
    log(msg) {
      if (finished) return;
      const first = msg.split("\n")[0] ?? "";
      detail = first;
      if (current && !isDetail(first)) {
        const at = now();
        endSub(at);
        const row: StepTiming = { step: clip(first, MAX_LABEL), seconds: 0, depth: 1 };
        rows.push(row);
        sub = { row, start: at };
      }
      // The timer shows the new message: a burst of messages is not a burst of redraws.
      if (verbose) stamp("  ", msg);
    },
    status(msg) {
      if (finished) return;
      detail = msg;
    },
    step(name) {
      if (finished) return;
      const at = now();
      endStep(at);
      const row: StepTiming = { step: name, seconds: 0, depth: 0 };
      rows.push(row);
      current = { row, start: at };
      detail = "";
      if (verbose) stamp("", name);
      if (shown) draw();
    },
    finish() {
      if (!finished) {
        finished = true;
        if (timer) clearInterval(timer);
        timer = undefined;
        const at = now();
        endStep(at);
        total = (at - t0) / 1000;
        clear();
      }
      return rows.map((r) => ({ ...r }));
    },
    summary() {
      if (!finished || !live || total < delay / 1000 || rows.length < 2) return undefined;
      return table(
        ["step", "time"],
        rows.map((r) => [`${r.depth === 1 ? "  " : ""}${r.step}`, seconds(r.seconds)]),
      );
    },
  };
}

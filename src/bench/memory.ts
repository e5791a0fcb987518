/**
 * Peak resident memory of one step, in the process that runs it (worker threads included).
 *
 * On Linux, writing "5" to /proc/self/clear_refs resets the kernel's high-water mark of the resident set
 * (VmHWM in /proc/self/status), so each step's peak is exact even when it lasts microseconds or blocks
 * the event loop. Elsewhere the resident set is sampled every 5 ms (a peak inside a long synchronous
 * call can be missed) together with the final value. Either way the figure is the whole process's: it
 * includes Node itself and whatever earlier steps left allocated (the garbage collector runs first when
 * the process has --expose-gc).
 */
import { readFileSync, writeFileSync } from "node:fs";

function resetHighWater(): boolean {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
    return true;
  } catch {
    return false;
  }
}

function highWater(): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync("/proc/self/status", "utf8"));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

export const MEMORY_METHODS = {
  hwm: "peak RSS per step: Linux VmHWM, reset through /proc/self/clear_refs before each step",
  sampled: "peak RSS per step: process RSS sampled every 5 ms",
} as const;

export class PeakMeter {
  private timer: ReturnType<typeof setInterval> | undefined;
  private peak = 0;
  private exact = false;

  /** How this meter measures, for the report. */
  get method(): string {
    return this.exact ? MEMORY_METHODS.hwm : MEMORY_METHODS.sampled;
  }

  start(): void {
    (globalThis as { gc?: () => void }).gc?.();
    this.exact = resetHighWater() && highWater() !== undefined;
    this.peak = process.memoryUsage.rss();
    if (!this.exact) {
      this.timer = setInterval(() => {
        this.peak = Math.max(this.peak, process.memoryUsage.rss());
      }, 5);
    }
  }

  /** Peak bytes since start(). */
  stop(): number {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const now = process.memoryUsage.rss();
    return Math.max(this.peak, now, this.exact ? (highWater() ?? 0) : 0);
  }
}

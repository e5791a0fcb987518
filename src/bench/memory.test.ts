import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { PeakMeter } from "./memory.js";

describe("peak memory of a step", () => {
  it("sees a short-lived allocation that is gone by the end of the step", async () => {
    // the meter collects garbage before each step when gc is exposed (as `zkmlc bench` runs); without it
    // the released buffer may still be resident when the next step's mark is taken
    setFlagsFromString("--expose-gc");
    (globalThis as { gc?: unknown }).gc = runInNewContext("gc");
    const m = new PeakMeter();
    m.start();
    const before = process.memoryUsage.rss();
    let buf: Buffer | undefined = Buffer.alloc(200 * 2 ** 20, 1); // touched: resident
    await new Promise((r) => setTimeout(r, 30)); // let the sampler (non-Linux) see it
    expect(buf.length).toBeGreaterThan(0);
    buf = undefined;
    const peak = m.stop();
    expect(peak - before).toBeGreaterThan(150 * 2 ** 20);
    // the next step starts from a fresh mark on Linux: a small step reports far less. V8 may return a
    // large buffer's pages to the OS after its GC cycle ends, so wait (collecting) until they are gone.
    const gc = (globalThis as { gc: () => void }).gc;
    for (let i = 0; i < 100 && process.memoryUsage.rss() > peak - 100 * 2 ** 20; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 20));
    }
    m.start();
    const small = m.stop();
    if (m.method.includes("VmHWM")) expect(small).toBeLessThan(peak);
  });
});

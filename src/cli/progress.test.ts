import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createProgress, isDetail, type ProgressOptions } from "./progress.js";

/** Carriage return and erase-line: what starts every redraw of the live line. */
const CLEAR = "\r\x1b[2K";
/** The live line a write draws, or undefined for a write that is not a redraw. */
const redrawn = (w?: string) => (w?.startsWith(CLEAR) ? w.slice(CLEAR.length) : undefined);

/** A stand-in for stderr that records what is written. */
function stream(isTTY: boolean, columns = 100) {
  const writes: string[] = [];
  return { writes, out: { isTTY, columns, write: (s: string) => writes.push(s) } };
}

// Fake timers fake Date too: the clock and the redraw interval advance together.
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const make = (isTTY: boolean, o: ProgressOptions = {}) => {
  const s = stream(isTTY);
  const p = createProgress({ out: s.out, now: () => Date.now(), ...o });
  return { ...s, p };
};

describe("the live line", () => {
  it("appears on a terminal once a step has lasted a second, shows the latest message, and is cleared", () => {
    const { p, writes } = make(true);
    expect(p.live).toBe(true);
    p.step("setup");
    vi.advanceTimersByTime(600);
    expect(writes).toEqual([]); // a short step shows nothing
    vi.advanceTimersByTime(600);
    expect(redrawn(writes.at(-1))).toMatch(/^ {2}setup 1\.\d\d s$/);
    p.log("groth16 development setup: keys from fresh toxic waste");
    vi.advanceTimersByTime(150);
    expect(writes.at(-1)).toMatch(
      /setup 1\.\d\d s {2}groth16 development setup: keys from fresh toxic waste$/,
    );
    const n0 = writes.length;
    for (let i = 0; i < 100; i++) p.log(`snarkjs: Reading r1cs ${i}`);
    expect(writes.length).toBe(n0); // a burst of messages is one redraw, at the next tick
    vi.advanceTimersByTime(150);
    expect(writes.length).toBe(n0 + 1);
    expect(writes.at(-1)).toMatch(/ {2}snarkjs: Reading r1cs 99$/);
    vi.advanceTimersByTime(2000);
    expect(writes.at(-1)).toMatch(/setup 3\.\d\d s {2}snarkjs: Reading r1cs 99$/);
    p.step("prove"); // a new step on a shown line is drawn at once
    expect(redrawn(writes.at(-1))).toBe("  prove 0.00 s");
    p.status("3/10 samples");
    vi.advanceTimersByTime(150);
    expect(writes.at(-1)).toMatch(/prove 0\.\d\d s {2}3\/10 samples$/);
    p.finish();
    expect(writes.at(-1)).toBe(CLEAR);
    const n = writes.length;
    vi.advanceTimersByTime(5000);
    expect(writes.length).toBe(n); // the timer is gone
    expect(writes.join("")).not.toContain("\n");
  });

  it("never wraps: the line is cut to the terminal's width", () => {
    const s = stream(true, 40);
    const p = createProgress({ out: s.out, now: () => Date.now() });
    p.step("compile");
    p.log("x".repeat(200));
    vi.advanceTimersByTime(1500);
    const last = redrawn(s.writes.at(-1)) ?? "";
    expect(last.length).toBe(39);
    expect(last.endsWith("…")).toBe(true);
    p.finish();
  });

  it("writes nothing off a terminal, with --json, or when the command turns it off", () => {
    for (const [tty, o] of [
      [false, {}],
      [true, { json: true }],
      [true, { json: true, verbose: true }],
      [true, { live: false }],
    ] as [boolean, ProgressOptions][]) {
      const { p, writes } = make(tty, o);
      expect(p.live).toBe(false);
      p.step("prove");
      p.log("groth16 prove");
      vi.advanceTimersByTime(5000);
      p.finish();
      expect(p.summary()).toBeUndefined();
      expect(writes).toEqual([]);
    }
  });
});

describe("the timing table", () => {
  it("lists steps and their sub-steps after a command that took over a second", () => {
    const { p } = make(true);
    p.step("prove");
    vi.advanceTimersByTime(1200);
    p.log("groth16 prove");
    vi.advanceTimersByTime(300);
    p.log("snarkjs: Reading witness"); // detail of the sub-step, not a row
    p.log("groth16 zkey new: 1.2 s"); // a finished sub-step's report, not a row
    vi.advanceTimersByTime(3000);
    expect(p.finish()).toEqual([
      { step: "prove", seconds: 4.5, depth: 0 },
      { step: "groth16 prove", seconds: 3.3, depth: 1 },
    ]);
    expect(p.summary()).toBe(
      [
        "step             time",
        "---------------  ------",
        "prove            4.50 s",
        "  groth16 prove  3.30 s",
      ].join("\n"),
    );
    expect(p.finish()).toHaveLength(2); // finishing twice changes nothing
  });

  it("is left out for a fast command and for a single step without sub-steps", () => {
    const fast = make(true).p;
    fast.step("compile");
    fast.log("writing circuit.r1cs");
    vi.advanceTimersByTime(400);
    fast.finish();
    expect(fast.summary()).toBeUndefined();
    const single = make(true).p;
    single.step("verify-evm");
    vi.advanceTimersByTime(3000);
    single.finish();
    expect(single.summary()).toBeUndefined();
  });

  it("times each named step", () => {
    const { p } = make(false);
    for (const [name, ms] of [
      ["compile", 1000],
      ["setup", 2000],
      ["prove", 500],
    ] as const) {
      p.step(name);
      vi.advanceTimersByTime(ms);
    }
    expect(p.finish().map((r) => [r.step, r.seconds])).toEqual([
      ["compile", 1],
      ["setup", 2],
      ["prove", 0.5],
    ]);
  });
});

describe("-v", () => {
  it("writes timestamped steps and sub-steps, off a terminal too", () => {
    const { p, writes } = make(false, { verbose: true });
    p.step("prove");
    vi.advanceTimersByTime(1234);
    p.log("groth16 prove");
    p.log("two\nlines");
    p.status("not logged");
    p.finish();
    expect(writes.join("")).toBe(
      ["[  0.00 s] prove", "[  1.23 s]   groth16 prove", "[  1.23 s]   two", "             lines", ""].join(
        "\n",
      ),
    );
  });

  it("on a terminal, keeps the live line below the logged lines", () => {
    const { p, writes } = make(true, { verbose: true });
    p.step("setup");
    vi.advanceTimersByTime(1100);
    writes.length = 0;
    p.log("groth16 setup");
    expect(writes).toEqual([CLEAR, "[  1.10 s]   groth16 setup\n", `${CLEAR}  setup 1.10 s  groth16 setup`]);
    p.finish();
  });
});

describe("isDetail", () => {
  it("tells tool chatter and finished-sub-step reports from sub-steps", () => {
    expect(isDetail("snarkjs: Reading r1cs")).toBe(true);
    expect(isDetail("ptau 2^12: written in 1.2 s")).toBe(true);
    expect(isDetail("groth16 dev setup: 3 G1 and 2 G2 points in 0.4 s (2 threads)")).toBe(true);
    expect(isDetail("groth16 zkey new: 12.0 s")).toBe(true);
    expect(isDetail("groth16 prove")).toBe(false);
    expect(isDetail("making or reusing a local powers of tau of size 2^12 (development only)")).toBe(false);
    expect(isDetail("compiling circuit.circom with circom (--O2)")).toBe(false);
  });
});

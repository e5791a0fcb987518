import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inspect } from "../../src/steps/inspect.js";
import { CLI_ARGS, ROOT } from "../support/cli.js";
import { describeInputCase, planInputCase } from "./mutate-input.js";
import { describeCase, materialize, planCase } from "./mutate-onnx.js";
import { runCases } from "./pool.js";
import type { FuzzResult, FuzzTask } from "./protocol.js";
import { SEEDS } from "./seeds.js";

/**
 * Robustness: mutated ONNX models through decoding and `inspect` (decode, validation, rewrite,
 * quantization), mutated input files through the input parser, and a sample of the models through the
 * CLI. The only acceptable outcomes are success or a ZkmlError whose code is not "bug" (CLI exit 0 or
 * 1). Cases run in worker processes (pool.ts) with a 60 s elapsed limit each, so a native crash, an
 * out-of-memory abort or a hang is a reported failure naming the case, reproducible from its id:
 * `materialize(planCase(id))` (mutate-onnx.ts), `inputText(planInputCase(id), ...)` (mutate-input.ts).
 */
const ONNX_CASES = 2000;
const INPUT_CASES = 300;
const CLI_CASES = 20;
const LIMIT_MS = 60_000;

const tmp = mkdtempSync(join(tmpdir(), "zkmlc-fuzz-"));
let results: FuzzResult[] = [];

beforeAll(async () => {
  const tasks: FuzzTask[] = [
    ...Array.from({ length: ONNX_CASES }, (_, id) => ({ kind: "onnx" as const, id })),
    ...Array.from({ length: INPUT_CASES }, (_, id) => ({ kind: "input" as const, id })),
  ];
  results = await runCases(tasks, { size: 2, tmp: join(tmp, "cases"), limitMs: LIMIT_MS });
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const label = (r: FuzzResult): string =>
  `${r.kind === "onnx" ? describeCase(planCase(r.id)) : describeInputCase(planInputCase(r.id))}: ${r.detail}`;

/** Outcome counts, e.g. {"ok": 90, "bad-onnx": 800, ...}. */
function tally(kind: FuzzTask["kind"]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of results.filter((x) => x.kind === kind)) {
    const k = r.outcome === "user-error" ? (r.code ?? "?") : r.outcome;
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

/** `zkmlc ...` from source, without blocking the event loop. */
function zkmlcAsync(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [...CLI_ARGS, ...args], {
      cwd: ROOT,
      env: { ...process.env, FORCE_COLOR: "0" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    p.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    p.on("close", (code) => resolve({ code, stderr }));
  });
}

describe("fuzzing", () => {
  it("reports a worker that dies or hangs as that case's failure, and runs the other cases", async () => {
    const tasks: FuzzTask[] = [
      { kind: "probe", id: 0 },
      { kind: "probe", id: 1 },
      { kind: "input", id: 0 },
    ];
    // A short limit: the hanging probe never returns, whatever the load.
    const r = await runCases(tasks, { size: 1, tmp: join(tmp, "probes"), limitMs: 5000 });
    expect(r.map((x) => [x.kind, x.outcome])).toEqual([
      ["input", expect.stringMatching(/^(ok|user-error)$/)],
      ["probe", "failure"],
      ["probe", "failure"],
    ]);
    expect(r[1]?.detail).toMatch(/^worker died \(exit null, signal SIGKILL\)/);
    expect(r[2]?.detail).toBe("hang: over 5 s, killed");
  });

  it("starts from seed models that inspect cleanly", async () => {
    for (const s of SEEDS) {
      const path = join(tmp, `seed-${s.name}.onnx`);
      writeFileSync(path, s.bytes());
      expect((await inspect(path)).totals.nodes, s.name).toBeGreaterThan(0);
    }
  });

  it(`${ONNX_CASES} mutated ONNX models: decode and inspect succeed or fail with a user error`, () => {
    const onnx = results.filter((r) => r.kind === "onnx");
    expect(onnx).toHaveLength(ONNX_CASES);
    expect(onnx.filter((r) => r.outcome === "failure").map(label)).toEqual([]);
    // The mutations reach every stage: some models stay valid, others fail in decoding, validation and lowering.
    const t = tally("onnx");
    expect(t.ok ?? 0, JSON.stringify(t)).toBeGreaterThan(50);
    for (const code of ["bad-onnx", "bad-shape", "too-large", "unsupported-op", "non-finite"])
      expect(t[code] ?? 0, `${code} in ${JSON.stringify(t)}`).toBeGreaterThan(0);
  });

  it(`${INPUT_CASES} mutated input files: parsing succeeds or fails with a user error`, () => {
    const inputs = results.filter((r) => r.kind === "input");
    expect(inputs).toHaveLength(INPUT_CASES);
    expect(inputs.filter((r) => r.outcome === "failure").map(label)).toEqual([]);
    const t = tally("input");
    for (const code of ["ok", "bad-input", "bad-shape", "non-finite"])
      expect(t[code] ?? 0, `${code} in ${JSON.stringify(t)}`).toBeGreaterThan(0);
  });

  it(`${CLI_CASES} mutated models through the CLI exit 0 or 1 (never 2) without a stack trace`, async () => {
    const ids = Array.from({ length: CLI_CASES }, (_, i) => Math.floor((i * ONNX_CASES) / CLI_CASES) + 3);
    const bad: string[] = [];
    // Two at a time: the machine has two cores.
    for (let i = 0; i < ids.length; i += 2) {
      await Promise.all(
        ids.slice(i, i + 2).map(async (id) => {
          const c = planCase(id);
          const path = join(tmp, `cli-${id}.onnx`);
          writeFileSync(path, materialize(c));
          const r = await zkmlcAsync(["inspect", path]);
          const stack = /^\s+at .+:\d+:\d+\)?$/m.test(r.stderr);
          const shaped = r.code === 0 || /^error\[[a-z-]+\]: /m.test(r.stderr);
          if (!(r.code === 0 || r.code === 1) || stack || !shaped)
            bad.push(`${describeCase(c)}: exit ${r.code}: ${r.stderr.slice(0, 600)}`);
        }),
      );
    }
    expect(bad).toEqual([]);
  });
});

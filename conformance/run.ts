/**
 * `npm run conformance [-- options]`: the ONNX node tests (Debian's libonnx-testdata and the newer corpus
 * copy) and the EZKL corpus through compile, witness, r1cs check and output comparison, with a proof
 * sample, in a pool of worker processes. Writes conformance.json and, for a full run, CONFORMANCE.md.
 *
 *   --suite debian,corpus,ezkl   suites to run (default: all that are installed)
 *   --filter REGEX               only tests whose name matches (case-insensitive)
 *   --prove-sample               only the proof sample: per op, its tests in order until one passes, proven
 *   --no-prove                   no setup/prove/verify at all
 *   --jobs N                     worker processes (default 2)
 *   --timeout S                  seconds per node test (default 180; EZKL models get 5x)
 *   --public-inputs              compile with public inputs (no input range checks; much faster circom)
 *   --markdown                   only rewrite CONFORMANCE.md from the conformance.json of a full run
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { VERSION } from "../src/version.js";
import { classify, opsOf } from "./classify.js";
import { ezklModels, ezklNotRunnable } from "./ezkl.js";
import { readModelProto, readNodeTest } from "./node-test.js";
import { Pool } from "./pool.js";
import { markdown, sortResults, totals } from "./report.js";
import type { Task, TestResult } from "./result.js";
import { listTests, ROOT, SUITES, type SuiteName } from "./suites.js";

const { values: args } = parseArgs({
  options: {
    suite: { type: "string" },
    filter: { type: "string" },
    "prove-sample": { type: "boolean", default: false },
    "no-prove": { type: "boolean", default: false },
    jobs: { type: "string", default: "2" },
    timeout: { type: "string", default: "180" },
    "public-inputs": { type: "boolean", default: false },
    markdown: { type: "boolean", default: false },
  },
});

/** A run over every suite and test, with proofs: the only kind CONFORMANCE.md reports. */
const isFull = (a: Partial<typeof args>) =>
  !a.filter && !a["prove-sample"] && !a["no-prove"] && !a["public-inputs"] && a.suite === undefined;

if (args.markdown) {
  const json = join(ROOT, "conformance.json");
  const run = JSON.parse(readFileSync(json, "utf8")) as {
    zkmlc: string;
    args: typeof args;
    results: TestResult[];
  };
  if (!isFull(run.args)) {
    process.stderr.write(`${json} is not from a full run: run \`npm run conformance\` first\n`);
    process.exit(1);
  }
  writeFileSync(join(ROOT, "CONFORMANCE.md"), markdown(run.results, run.zkmlc));
  process.stdout.write(`wrote CONFORMANCE.md from ${json}\n`);
  process.exit(0);
}

const suites = (args.suite?.split(",") ?? ["debian", "corpus", "ezkl"]) as SuiteName[];
for (const s of suites) if (!(s in SUITES)) throw new Error(`unknown suite ${s} (debian, corpus, ezkl)`);
const filter = args.filter ? new RegExp(args.filter, "i") : undefined;
const timeoutMs = Number(args.timeout) * 1000;
const work = mkdtempSync(join(tmpdir(), "zkmlc-conformance-"));
const pool = new Pool({
  size: Number(args.jobs),
  // Development keys go to a throwaway cache, not the user's ~/.cache/zkmlc.
  env: { ...process.env, ZKMLC_CACHE: join(work, "cache") },
});
let taskNo = 0;

function task(
  kind: Task["kind"],
  suite: SuiteName,
  name: string,
  c: Pick<Task, "op" | "ops" | "bind">,
  prove: boolean,
): Task {
  return {
    kind,
    suite,
    name,
    dir: join(SUITES[suite].dir, name),
    ...c,
    prove,
    work: join(work, `t${taskNo++}`),
  };
}

const started = performance.now();
let done = 0;
function log(r: TestResult): void {
  done++;
  const extra =
    r.status === "pass" ? (r.proof ? (r.proof.verified ? " proven" : " PROOF FAILED") : "") : ` ${r.code}`;
  const t = ((performance.now() - started) / 1000).toFixed(0);
  process.stderr.write(`[${t}s #${done}] ${r.suite} ${r.name}: ${r.status}${extra}\n`);
}

const run = (t: Task): Promise<TestResult> =>
  pool.run(t, t.kind === "ezkl" ? timeoutMs * 5 : timeoutMs * (t.prove ? 2 : 1)).then((r) => {
    log(r);
    return r;
  });

function opsOrUndefined(suite: SuiteName, name: string): string[] | undefined {
  try {
    return opsOf(readNodeTest(join(SUITES[suite].dir, name), name).model);
  } catch {
    return undefined;
  }
}

/** Classify a node suite's tests: out-of-scope results now, tasks for the rest. */
function planNodeSuite(suite: SuiteName): { results: TestResult[]; tasks: Task[] } {
  const results: TestResult[] = [];
  const tasks: Task[] = [];
  for (const name of listTests(suite).filter((n) => !filter || filter.test(n))) {
    const sibling = name.replace(/_expanded(_ver\d+)?$/, "");
    let c: ReturnType<typeof classify>;
    try {
      c = classify(
        readNodeTest(join(SUITES[suite].dir, name), name),
        sibling !== name ? opsOrUndefined(suite, sibling) : undefined,
      );
    } catch (e) {
      results.push({
        suite,
        name,
        op: "?",
        ops: [],
        status: "fail",
        stage: "load",
        code: "harness",
        reason: String(e),
      });
      continue;
    }
    if (c.outOfScope)
      results.push({ suite, name, op: c.op, ops: c.ops, status: "out-of-scope", reason: c.outOfScope });
    else tasks.push(task("node", suite, name, c, false));
  }
  return { results, tasks };
}

function planEzkl(): { results: TestResult[]; tasks: Task[] } {
  const results: TestResult[] = [];
  const tasks: Task[] = [];
  for (const name of ezklModels().filter((n) => !filter || filter.test(n))) {
    let ops: string[] = [];
    try {
      ops = opsOf(readModelProto(join(SUITES.ezkl.dir, name, "network.onnx")));
    } catch {
      // the compile step reports an unreadable model
    }
    const skip = ezklNotRunnable(name);
    if (skip) results.push({ suite: "ezkl", name, op: "(model)", ops, status: "out-of-scope", reason: skip });
    else tasks.push(task("ezkl", "ezkl", name, { op: "(model)", ops, bind: [] }, !args["no-prove"]));
  }
  return { results, tasks };
}

/**
 * Per op and suite, its tests in name order until one passes with a proof (a proof that fails to verify
 * ends the search: that is the op's result). `keepAll`: also return the tries that did not pass.
 */
async function proveSample(tasks: Task[], keepAll: boolean): Promise<TestResult[]> {
  const byOp = new Map<string, Task[]>();
  for (const t of tasks) byOp.set(`${t.suite}/${t.op}`, [...(byOp.get(`${t.suite}/${t.op}`) ?? []), t]);
  const out: TestResult[] = [];
  await Promise.all(
    [...byOp.values()].map(async (list) => {
      for (const t of list) {
        const r = await run({ ...t, prove: true, work: join(work, `t${taskNo++}`) });
        const proven = r.status === "pass" || r.stage === "prove";
        if (proven || keepAll) out.push(r);
        if (proven) return;
      }
    }),
  );
  return out;
}

async function main(): Promise<void> {
  const planned = suites.map((s) => (s === "ezkl" ? planEzkl() : planNodeSuite(s)));
  const results = planned.flatMap((p) => p.results);
  const ezklTasks = planned.flatMap((p) => p.tasks.filter((t) => t.kind === "ezkl"));
  const nodeTasks = planned.flatMap((p) => p.tasks.filter((t) => t.kind === "node"));
  process.stderr.write(
    `conformance: ${nodeTasks.length} node tests and ${ezklTasks.length} EZKL models to run, ${results.length} out of scope; ${args.jobs} workers, scratch ${work}\n`,
  );
  let final: TestResult[];
  if (args["prove-sample"]) {
    final = [...results, ...(await proveSample(nodeTasks, true))];
  } else {
    // EZKL models first: they are the longest, so they overlap with the many short node tests.
    const ezkl = Promise.all(ezklTasks.map(run));
    const phase1 = await Promise.all(nodeTasks.map(run));
    const byKey = new Map(phase1.map((r) => [`${r.suite}/${r.name}`, r]));
    if (!args["no-prove"]) {
      const firstPassing = nodeTasks.filter((t) => byKey.get(`${t.suite}/${t.name}`)?.status === "pass");
      for (const r of await proveSample(firstPassing, false)) byKey.set(`${r.suite}/${r.name}`, r);
    }
    final = [...results, ...byKey.values(), ...(await ezkl)];
  }
  pool.close();
  const wall = (performance.now() - started) / 1000;
  const sorted = sortResults(final);
  const full = isFull(args);
  const bySuite = Object.fromEntries(suites.map((s) => [s, totals(sorted.filter((r) => r.suite === s))]));
  writeFileSync(
    join(ROOT, "conformance.json"),
    `${JSON.stringify({ zkmlc: VERSION, args, wallSeconds: Math.round(wall), totals: bySuite, results: sorted }, null, 1)}\n`,
  );
  if (full) writeFileSync(join(ROOT, "CONFORMANCE.md"), markdown(sorted, VERSION));
  for (const [s, t] of Object.entries(bySuite))
    process.stdout.write(
      `${s}: ${t.pass} pass, ${t.fail} fail, ${t.unsupported} unsupported, ${t.outOfScope} out of scope; ${t.passPercent}% of ${t.inScope} in scope pass; ${t.proven} proven\n`,
    );
  process.stdout.write(
    `wall time ${wall.toFixed(0)} s; wrote conformance.json${full ? " and CONFORMANCE.md" : " (CONFORMANCE.md only on a full run)"}\n`,
  );
}

main()
  .catch((e) => {
    process.stderr.write(`conformance harness error: ${e instanceof Error ? e.stack : e}\n`);
    process.exitCode = 2;
  })
  .finally(() => {
    pool.close();
    rmSync(work, { recursive: true, force: true });
  });

/** conformance.json (every result) and CONFORMANCE.md (totals, per-op table, reasons), deterministic order. */

import { OPS } from "../src/3-lower/ops/registry.js";
import { mdTable } from "../src/bench/format.js";
import type { Status, TestResult } from "./result.js";
import { OP_SCOPE } from "./scope.js";
import { SUITES, type SuiteName } from "./suites.js";

const SUITE_ORDER: SuiteName[] = ["debian", "corpus", "ezkl"];

/** Code-point order (localeCompare would depend on the locale and ignore "_"). */
export const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function sortResults(results: TestResult[]): TestResult[] {
  return [...results].sort(
    (a, b) => SUITE_ORDER.indexOf(a.suite) - SUITE_ORDER.indexOf(b.suite) || byName(a.name, b.name),
  );
}

export interface Totals {
  tests: number;
  inScope: number;
  pass: number;
  fail: number;
  unsupported: number;
  outOfScope: number;
  /** pass / in scope, in percent (one decimal). */
  passPercent: number;
  /** Tests that were proven and verified end to end. */
  proven: number;
}

export function totals(results: TestResult[]): Totals {
  const n = (s: Status) => results.filter((r) => r.status === s).length;
  const inScope = results.length - n("out-of-scope");
  return {
    tests: results.length,
    inScope,
    pass: n("pass"),
    fail: n("fail"),
    unsupported: n("unsupported"),
    outOfScope: n("out-of-scope"),
    passPercent: inScope === 0 ? 0 : Math.round((1000 * n("pass")) / inScope) / 10,
    proven: results.filter((r) => r.proof?.verified).length,
  };
}

const num = (v: number | undefined) =>
  v === undefined || Number.isNaN(v) ? "–" : Number(v.toPrecision(3)).toString();
/** mdTable escapes "|" and aligns the columns, so the report reads as well as plain text as rendered. */
const cell = (s: string) => s.replaceAll("\n", " ");

/** One line saying why a test did not pass. */
export function why(r: TestResult): string {
  if (r.status === "out-of-scope") return r.reason ?? "";
  const where = r.node ? `${r.node}: ` : "";
  const err = r.code === "mismatch" ? ` (max error ${num(r.maxError)}, tolerance ${num(r.tolerance)})` : "";
  const at = r.stage ? ` at ${r.stage}` : "";
  return `\`${r.code ?? "?"}\`${at}: ${where}${r.reason ?? ""}${err}`;
}

function totalsTable(bySuite: Map<SuiteName, TestResult[]>): string[] {
  const rows = [...bySuite].map(([suite, rs]) => {
    const t = totals(rs);
    return [
      suite,
      t.tests,
      t.inScope,
      t.pass,
      t.fail,
      t.unsupported,
      t.outOfScope,
      `${t.passPercent}%`,
      t.proven,
    ];
  });
  const head = [
    "suite",
    "tests",
    "in scope",
    "pass",
    "fail",
    "unsupported",
    "out of scope",
    "pass % of in scope",
  ];
  return [
    mdTable(
      [...head, "proven"],
      rows.map((r) => r.map(String)),
    ),
  ];
}

function opTable(bySuite: Map<SuiteName, TestResult[]>): string[] {
  const nodeSuites = [...bySuite.keys()].filter((s) => s !== "ezkl");
  const ops = new Set<string>(OP_SCOPE.keys());
  const rows: string[][] = [];
  for (const op of [...ops].sort(byName)) {
    const counts = nodeSuites.map((s) => {
      const rs = (bySuite.get(s) ?? []).filter((r) => r.op === op && r.status !== "out-of-scope");
      if (rs.length === 0) return "–";
      const pass = rs.filter((r) => r.status === "pass").length;
      const mark = pass === rs.length ? " ✓" : "";
      return `${pass} / ${rs.length}${mark}`;
    });
    const proven = nodeSuites
      .flatMap((s) => (bySuite.get(s) ?? []).filter((r) => r.op === op && r.proof))
      .map((r) => `${r.proof?.verified ? "✓" : "✗"} ${r.suite}/${r.name}`);
    const registry = OPS.has(op) ? "yes" : "no";
    rows.push([op, OP_SCOPE.get(op)?.group ?? "–", registry, ...counts, proven.join(", ") || "–"]);
  }
  const suiteCols = nodeSuites.map((s) => `${s}: pass / in scope`);
  return [mdTable(["op", "issue 3 group", "in zkmlc's registry", ...suiteCols, "proven sample"], rows)];
}

/** In-scope tests that do not pass, grouped by error code and the op the error names (else the test's op). */
function reasonsTable(results: TestResult[]): string[] {
  const groups = new Map<string, { code: string; op: string; suites: Set<string>; n: number }>();
  for (const r of results) {
    if (r.status !== "fail" && r.status !== "unsupported") continue;
    const op = /\((\S+)\)$/.exec(r.node ?? "")?.[1] ?? r.op;
    const key = `${r.code}|${op}`;
    const g = groups.get(key) ?? { code: r.code ?? "?", op, suites: new Set<string>(), n: 0 };
    g.n++;
    g.suites.add(r.suite);
    groups.set(key, g);
  }
  const rows = [...groups.values()].sort(
    (a, b) => b.n - a.n || byName(`${a.code}|${a.op}`, `${b.code}|${b.op}`),
  );
  return [
    mdTable(
      ["tests", "code", "op", "suites"],
      rows.map((g) => [String(g.n), `\`${g.code}\``, g.op, [...g.suites].join(", ")]),
    ),
  ];
}

function nodeSuiteSection(suite: SuiteName, rs: TestResult[]): string[] {
  const out = [`### ${suite}: ${SUITES[suite].what}`, ""];
  const bad = rs.filter((r) => r.status === "fail" || r.status === "unsupported");
  out.push(`Failing and unsupported (${bad.length}):`, "");
  if (bad.length > 0) {
    const rows = bad.map((r) => [r.name, r.op, r.status, String(r.constraints ?? "–"), cell(why(r))]);
    out.push(mdTable(["test", "op", "status", "constraints", "reason"], rows));
  }
  const pass = rs.filter((r) => r.status === "pass");
  out.push("", `<details><summary>Passing (${pass.length})</summary>`, "");
  const passRows = pass.map((r) => [
    r.name,
    r.op,
    String(r.constraints ?? "–"),
    num(r.maxError),
    num(r.tolerance),
    r.bound?.join(", ") || "–",
  ]);
  out.push(mdTable(["test", "op", "constraints", "max error", "tolerance", "bound inputs"], passRows));
  out.push("", "</details>", "");
  const oos = rs.filter((r) => r.status === "out-of-scope");
  const byReason = new Map<string, string[]>();
  for (const r of oos) byReason.set(r.reason ?? "", [...(byReason.get(r.reason ?? "") ?? []), r.name]);
  out.push(`<details><summary>Out of scope (${oos.length})</summary>`, "");
  const reasons = [...byReason].sort((a, b) => b[1].length - a[1].length || byName(a[0], b[0]));
  out.push(
    mdTable(
      ["reason", "tests"],
      reasons.map(([reason, names]) => [cell(reason), `${names.length}: ${names.join(", ")}`]),
    ),
  );
  out.push("", "</details>", "");
  return out;
}

function ezklSection(rs: TestResult[]): string[] {
  const out = [`### ezkl: ${SUITES.ezkl.what}`, ""];
  const rows = rs.map((r) => {
    const proof = r.proof ? (r.proof.verified ? "verified" : "✗") : (r.notProven ?? "–");
    const reason = r.status === "pass" ? "" : why(r);
    return [
      r.name,
      r.status,
      String(r.constraints ?? "–"),
      cell(proof),
      num(r.maxError),
      num(r.tolerance),
      cell(reason),
    ];
  });
  out.push(
    mdTable(["model", "status", "constraints", "proof", "max error", "tolerance", "reason"], rows),
    "",
  );
  return out;
}

export function markdown(results: TestResult[], version: string): string {
  const bySuite = new Map<SuiteName, TestResult[]>();
  for (const s of SUITE_ORDER) {
    const rs = results.filter((r) => r.suite === s);
    if (rs.length > 0) bySuite.set(s, rs);
  }
  const lines = [
    "# ONNX conformance",
    "",
    `zkmlc ${version}, measured by \`npm run conformance\` (conformance/run.ts); the policy and what the`,
    "statuses mean are in the last section. Regenerate this file with the same command.",
    "",
    "## Totals",
    "",
    ...totalsTable(bySuite),
    "",
    "## Why in-scope tests do not pass",
    "",
    ...reasonsTable(results),
    "",
    "## Per operator (ONNX node tests)",
    "",
    "Issue 3's operator list and the ops zkmlc supports beyond it; a test counts for the operator it is about (an `_expanded` test for its",
    "un-expanded sibling's). ✓: every in-scope test of that suite passes.",
    "",
    ...opTable(bySuite),
    "",
    "## Per test",
    "",
  ];
  for (const [suite, rs] of bySuite)
    lines.push(...(suite === "ezkl" ? ezklSection(rs) : nodeSuiteSection(suite, rs)));
  lines.push(...POLICY);
  return `${lines.join("\n")}\n`;
}

const POLICY = [
  "## Harness policy",
  "",
  "- **Scope.** A node test is in scope when the operator it tests is in issue 3's list or is one zkmlc",
  '  supports beyond it (group "beyond issue 3"; both in the table in `conformance/scope.ts`), every',
  "  node that must run in the circuit has a listed op (nodes whose inputs",
  "  are all constants are folded at compile time and may use any op), and no value has a type outside a",
  "  fixed-point compiler (float8, int4/int2, bfloat16, string, complex, sequence, optional, map). Also out",
  "  of scope: Cast of a non-constant tensor (issue 3 lists Cast for constants only), Resize/Upsample",
  "  modes other than nearest, tests whose output does not depend on the input (Shape, Range,",
  "  ConstantOfShape: compile-time only, nothing to prove) and NaN/infinity in the test data.",
  "- **Inputs needed at compile time are bound.** Inputs that are attributes in other opsets or that",
  "  issue 3 defines as constants (shapes, axes, indices, pads, repeats, split sizes, Resize scales, Pow's",
  "  exponent, BatchNormalization's statistics; the `constInputs` column of `scope.ts`) become",
  "  initializers holding the test's own data. Every other input stays a circuit input, including float",
  "  weights (Conv `W`, MatMul `B`, ...: signal × signal) and integer data (`test_add_int8`: integers at",
  "  scale 0, exact; integer semantics that fixed point does not reproduce, such as wrap-around, fail).",
  "- **Calibration.** Each circuit input's calibrated range is the test input's own min/max (a",
  "  calibration file with the test data); scales are the defaults (inputs 2^-8, weights 2^-12).",
  "- **Pass.** compile; witness equal to the integer reference (computeWitness); r1cs satisfied",
  "  (checkWitness); every output element within `err + slack` of `output_N.pb`, where `err` is the plan's",
  "  proven per-element error bound and `slack` is the reference's own rounding: 1e-5·max(1, |want|) for",
  "  float32 (2^-10·max(1, |want|) for float16, 0 for integers and bools). One passing test per operator",
  "  and suite, the first by name, is also set up (Groth16 development keys), proven and verified",
  "  (`proven`); EZKL models are proven when `constraints + public + 1 <= 2^18`, and not compiled when",
  "  the plan estimates more than 2^20 constraints (`too-large`, a failure).",
  "- **Unsupported** is zkmlc refusing the model at compile time with a user error (unsupported-op,",
  "  bad-attribute, ...); it counts as not passing. **Fail** is everything else that goes wrong: a wrong",
  "  output, a witness or r1cs mismatch, a zkmlc bug, a crash or a timeout.",
];

import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { OPS } from "./registry.js";

const here = dirname(fileURLToPath(import.meta.url));
const file = (op: string) => op.toLowerCase();

describe("op registry", () => {
  it.each([...OPS.keys()])("%s has its own file, a summary and a test beside it that exercises it", (op) => {
    const spec = OPS.get(op);
    expect(spec?.summary.length).toBeGreaterThan(0);
    const src = join(here, `${file(op)}.ts`);
    const test = join(here, `${file(op)}.test.ts`);
    expect(existsSync(src), src).toBe(true);
    expect(existsSync(test), test).toBe(true);
    expect(readFileSync(test, "utf8")).toContain(`describe("${op}"`);
  });

  it("the README's operator table (scripts/ops-table.ts) lists exactly the registered ops", () => {
    const readme = readFileSync(join(here, "../../../README.md"), "utf8");
    const table = readme.slice(readme.indexOf("<!-- ops-table:start"), readme.indexOf("<!-- ops-table:end"));
    const listed = [...table.matchAll(/^\| ([A-Za-z0-9]+) +\|/gm)].map((m) => m[1]).filter((o) => o !== "op");
    expect(listed.sort()).toEqual([...OPS.keys()].sort());
  });
});

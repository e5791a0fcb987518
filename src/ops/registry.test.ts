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
});

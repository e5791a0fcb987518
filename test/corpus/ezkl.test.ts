import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EZKL_DIR, ezklModels, ezklNotRunnable, runEzklModel } from "../../conformance/ezkl.js";
import { decodeModel } from "../../src/1-decode/decode.js";
import { releaseCurves } from "../../src/6-prove/curve.js";
import { ZkmlError } from "../../src/errors.js";
import { graphOf } from "../../src/steps/compile.js";

/**
 * EZKL's example models (../shared/corpus/ezkl, written by others): read in place, never copied here.
 * The full measurement (every model, with reasons) is `npm run conformance -- --suite ezkl`; this test
 * runs the same check (conformance/ezkl.ts) on the models whose ops zkmlc supports.
 */
const present = existsSync(EZKL_DIR);
const models = present ? ezklModels() : [];

function supported(name: string): true | ZkmlError {
  try {
    graphOf(decodeModel(readFileSync(join(EZKL_DIR, name, "network.onnx"))));
    return true;
  } catch (e) {
    if (e instanceof ZkmlError) return e;
    throw e;
  }
}

const verdicts = new Map(models.map((m) => [m, supported(m)]));
// Models without an input.json (e.g. doodles) have nothing to prove on, and those without an
// ort_output.json (onnxruntime could not run them) nothing to compare with: the conformance run reports both.
const runnable = models.filter(
  (m) => verdicts.get(m) === true && !ezklNotRunnable(m) && existsSync(join(EZKL_DIR, m, "ort_output.json")),
);
const tmp = mkdtempSync(join(tmpdir(), "zkmlc-ezkl-"));
afterAll(async () => {
  await releaseCurves();
  rmSync(tmp, { recursive: true, force: true });
});

describe.runIf(present)("EZKL corpus", () => {
  it("every model either passes the op check or fails with a clear error naming its nodes", () => {
    expect(models.length).toBeGreaterThanOrEqual(90);
    for (const [name, v] of verdicts) {
      if (v === true) continue;
      expect(v.format(), name).toMatch(/^error\[(unsupported-op|bad-onnx)\]: /);
      if (v.code === "unsupported-op") expect(v.message, name).toMatch(/#\d+ "[^"]+" \(\S+\)/);
    }
    expect(runnable.length).toBeGreaterThanOrEqual(8);
  });

  it.each(runnable)(
    "%s matches ort_output.json and proves, or is refused with a clear error",
    async (name) => {
      const r = await runEzklModel({
        kind: "ezkl",
        suite: "ezkl",
        name,
        dir: join(EZKL_DIR, name),
        op: "(model)",
        ops: [],
        bind: [],
        prove: true,
        work: join(tmp, name),
      });
      if (r.status === "unsupported" || r.code === "too-large") {
        // zkmlc refused the model at compile time (or found it beyond the harness's 2^20 constraints,
        // stopping at the node that crossed): the error has a code and names the node.
        expect(r.code).toMatch(/^[a-z-]+$/);
        expect(r.node ?? "", r.reason).toMatch(/^#\d+ "[^"]*" \(\S+\)$/);
        return;
      }
      expect(r.reason ?? "", name).toBe("");
      expect(r.status).toBe("pass");
      // Proven whenever it fits a 2^18 setup.
      if (r.proof) expect(r.proof.verified, r.proof.reason).toBe(true);
      else expect(r.notProven).toMatch(/do not fit a 2\^18 setup/);
    },
  );
});

if (!present) {
  describe("EZKL corpus", () => {
    it("is not run: ../shared/corpus/ezkl is not next to this checkout", () => {
      console.warn(`EZKL corpus not run: ${EZKL_DIR} not found`);
      expect(present).toBe(false);
    });
  });
}

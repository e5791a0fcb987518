import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { decodeModel } from "../../src/1-decode/decode.js";
import { rewrite } from "../../src/2-rewrite/rewrite.js";
import { releaseCurves } from "../../src/6-prove/curve.js";
import { ZkmlError } from "../../src/errors.js";
import { run } from "../../src/steps/run.js";
import { ROOT } from "../support/cli.js";

/** EZKL's example models (../shared/corpus/ezkl, written by others): read in place, never copied here. */
const CORPUS = join(ROOT, "..", "shared", "corpus", "ezkl");
const present = existsSync(CORPUS);
const models = present
  ? readdirSync(CORPUS)
      .filter((d) => existsSync(join(CORPUS, d, "network.onnx")))
      .sort()
  : [];

function supported(name: string): true | ZkmlError {
  try {
    rewrite(decodeModel(readFileSync(join(CORPUS, name, "network.onnx"))));
    return true;
  } catch (e) {
    if (e instanceof ZkmlError) return e;
    throw e;
  }
}

const verdicts = new Map(models.map((m) => [m, supported(m)]));
// Models without an input.json (e.g. doodles) have nothing to prove on.
const runnable = models.filter((m) => verdicts.get(m) === true && existsSync(join(CORPUS, m, "input.json")));
const tmp = mkdtempSync(join(tmpdir(), "zkmlc-ezkl-"));
afterAll(releaseCurves);

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

  it.each(runnable)("%s compiles, proves, verifies and matches ort_output.json", async (name) => {
    const d = join(CORPUS, name);
    const r = await run(join(d, "network.onnx"), { input: join(d, "input.json"), outDir: join(tmp, name) });
    expect(r.verify.valid).toBe(true);
    const ort = JSON.parse(readFileSync(join(d, "ort_output.json"), "utf8")) as {
      outputs: { data: number[] }[];
    };
    r.prove.output.outputs.forEach((o, k) => {
      const want = ort.outputs[k]?.data ?? [];
      expect(o.circuit.length).toBe(want.length);
      o.circuit.forEach((v, i) => {
        expect(Math.abs(v - (want[i] as number)), `${name} output ${k}[${i}]`).toBeLessThanOrEqual(
          o.errorBound + 1e-5,
        );
      });
    });
  });
});

if (!present) {
  describe("EZKL corpus", () => {
    it("is not run: ../shared/corpus/ezkl is not next to this checkout", () => {
      console.warn(`EZKL corpus not run: ${CORPUS} not found`);
      expect(present).toBe(false);
    });
  });
}

import { describe, expect, it } from "vitest";
import { witnessMutations } from "../../test/support/mutations.js";
import { checkCircuit, FIXED, rng, singleOp, uniform, writeTempModel } from "../../test/support/op-check.js";
import { attr } from "../1-decode/onnx-builder.js";
import { PIN_ABOVE } from "../3-lower/output-rank.js";
import { planModel } from "../steps/compile.js";
import { emitCircuit } from "./emit.js";

const r = rng(31);

function gemm(n: number, m: number): Uint8Array {
  return singleOp({
    op: "Gemm",
    inputs: [["x", [1, n]]],
    weights: [["W", [m, n], uniform(r, n * m, -0.2, 0.2)]],
    attrs: { transB: attr.int(1) },
    output: [1, m],
  });
}

async function source(m: Uint8Array, opts = FIXED): Promise<string> {
  const { plan } = await planModel(writeTempModel(m), opts);
  return emitCircuit(plan, { header: [] }).source;
}

describe("emit", () => {
  it("splits an affine map of more than 50k terms into block templates (V8's wasm function size limit)", async () => {
    // 3 rows of 17,000 terms: blocks of 2 rows and 1. Public input: no 17,000 range checks to compile.
    const m = gemm(17_000, 3);
    const opts = { ...FIXED, inputVisibility: "public" as const };
    expect((await source(m, opts)).match(/^template Block_\w+\(\)/gm)).toHaveLength(2);
    // The witness equals the reference, the r1cs is satisfied and the count is the estimate.
    await checkCircuit(m, [[uniform(r, 17_000)]], opts);
  });

  it(`pins outputs when more than ${PIN_ABOVE} are wide affine maps of private signals`, async () => {
    const few = await source(gemm(24, PIN_ABOVE));
    expect(few).not.toContain("* z_");
    const m = gemm(24, PIN_ABOVE + 1);
    expect(await source(m)).toContain("z_out_y[i] * z_out_y[i] === 0;");
    // One constraint per pinned output on top of the input range checks (24 inputs × 9 bits).
    const { constraints } = await checkCircuit(m, [[uniform(r, 24)], [uniform(r, 24)]]);
    expect(constraints).toBe(24 * 9 + PIN_ABOVE + 1);
    // No witness entry (outputs included) can change and still satisfy the r1cs.
    expect(await witnessMutations(m, [[uniform(r, 24)]])).toEqual([]);
  });
});

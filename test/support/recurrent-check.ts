import { expect } from "vitest";
import { evaluatePlan } from "../../src/3-lower/evaluate.js";
import { quantizeNumber } from "../../src/3-lower/quantize-value.js";
import { planModel } from "../../src/steps/compile.js";
import type { Sample } from "../../src/steps/inputs.js";
import { witnessMutations } from "./mutations.js";
import { checkCircuit, FIXED, rng, uniform, writeTempModel } from "./op-check.js";
import { type RecurrentModel, recurrentModel } from "./recurrent-model.js";

/**
 * layout = 1 (batch first) against layout = 0 on the same weights: onnxruntime's CPU kernels refuse
 * layout 1, so the reference is the layout-0 circuit, whose outputs must be the same integers transposed.
 */
export async function checkBatchFirst(m: RecurrentModel): Promise<void> {
  const plans = await Promise.all(
    ([0, 1] as const).map(
      async (layout) => (await planModel(writeTempModel(recurrentModel({ ...m, layout })), FIXED)).plan,
    ),
  );
  const [p0, p1] = plans as [(typeof plans)[0], (typeof plans)[0]];
  const { seq: S, batch: B, input: I, hidden: H } = m;
  const nd = m.directions ?? 1;
  const r = rng(5);
  for (let k = 0; k < 3; k++) {
    const x = uniform(r, S * B * I);
    const q = (v: number) => quantizeNumber(v, p0.tensors[p0.inputs[0]?.out ?? 0]?.scale ?? 0);
    // x0[s][b][i] = x1[b][s][i]
    const x0 = Array.from(x, q);
    const x1 = Array.from({ length: S * B * I }, (_, j) => {
      const [b, s, i] = [Math.floor(j / (S * I)), Math.floor(j / I) % S, j % I];
      return x0[(s * B + b) * I + i] as bigint;
    });
    const v0 = evaluatePlan(p0, [x0]);
    const v1 = evaluatePlan(p1, [x1]);
    p0.outputs.forEach((o0, k) => {
      const y0 = v0[o0.tensor] as bigint[];
      const y1 = v1[p1.outputs[k]?.tensor ?? -1] as bigint[];
      const want = Array.from({ length: y0.length }, (_, j) => {
        if (k > 0) {
          // Y_h, Y_c: [B, nd, H] from [nd, B, H]
          const [b, d, h] = [Math.floor(j / (nd * H)), Math.floor(j / H) % nd, j % H];
          return y0[(d * B + b) * H + h];
        }
        // Y: [B, S, nd, H] from [S, nd, B, H]
        const [b, s, d, h] = [
          Math.floor(j / (S * nd * H)),
          Math.floor(j / (nd * H)) % S,
          Math.floor(j / H) % nd,
          j % H,
        ];
        return y0[((s * nd + d) * B + b) * H + h];
      });
      expect(y1).toEqual(want);
    });
  }
}

/** n random inputs X for model m, uniform in [-1, 1]. */
export function recurrentSamples(m: RecurrentModel, n: number, r: () => number): Sample[] {
  return Array.from({ length: n }, () => [uniform(r, m.seq * m.batch * m.input)]);
}

/** Compiled: witness equal to the reference and r1cs satisfied (checkCircuit), every signal pinned. */
export async function checkRecurrentCircuit(m: RecurrentModel, r: () => number): Promise<number> {
  const bytes = recurrentModel(m);
  const { constraints } = await checkCircuit(bytes, recurrentSamples(m, 2, r));
  expect(await witnessMutations(bytes, recurrentSamples(m, 1, r))).toEqual([]);
  return constraints;
}

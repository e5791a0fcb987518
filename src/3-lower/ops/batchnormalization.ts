import type { ConstTensor } from "../../1-decode/graph.js";
import { batchNormAffine, batchNormUnsupported } from "../../2-rewrite/batchnorm-math.js";
import { LowerCtx, type Value } from "../lower.js";
import { batchNormSignals } from "./lib/batchnorm-signal.js";
import type { OpSpec } from "./op.js";

/**
 * BatchNormalization (inference mode; epsilon; momentum ignored; spatial=0 of opsets < 9 accepted).
 * Usually folded into the Conv/Gemm before it by src/2-rewrite/fold-batchnorm.ts; otherwise a free
 * per-channel affine map: a = γ/√(var+ε) quantized at the param scale, so the scale grows to
 * s_x + s_param; b quantized at that scale. Error: |a|·e_x + |δa|·|x| + |δb|.
 * Statistics that are signals (not constants) are computed in the circuit (batchnorm-signal.ts): a square
 * root and a division per channel, one product and a rescale per element.
 */
export const batchNormalization: OpSpec = {
  opType: "BatchNormalization",
  summary: "inference mode, folded into a preceding Conv/Gemm or a free per-channel affine map",
  lower(ctx: LowerCtx): Value[] {
    const why = batchNormUnsupported(ctx.node.attrs, ctx.node.outputs);
    if (why) ctx.error("bad-attribute", why);
    const x = ctx.signal(0);
    if ([1, 2, 3, 4].some((i) => ctx.input(i)?.kind === "signal"))
      return [{ kind: "signal", q: batchNormSignals(ctx, x, x.shape[1] ?? 1, ctx.float("epsilon", 1e-5)) }];
    const names = ["scale", "B", "input_mean", "input_var"];
    const [g, beta, mean, variance] = names.map((what, k) => ctx.constant(k + 1, what)) as [
      ConstTensor,
      ConstTensor,
      ConstTensor,
      ConstTensor,
    ];
    const C = x.shape[1] ?? 1;
    const perElement = x.shape.slice(1);
    const inner = perElement.reduce((p, d) => p * d, 1);
    for (const [k, t] of [g, beta, mean, variance].entries()) {
      const ok = t.data.length === C || (t.data.length === inner && t.shape.length > 1);
      if (!ok || x.shape.length < 2)
        ctx.error("bad-shape", `${names[k]} has shape [${t.shape}]; expected [${C}] for X [${x.shape}]`);
    }
    const { a, b } = batchNormAffine(g, beta, mean, variance, ctx.float("epsilon", 1e-5));
    const P = ctx.scales.paramScale;
    const outScale = x.scale + P;
    const aq = ctx.quantize({ dtype: "float64", shape: [a.length], data: a }, P, "γ/√(var+ε)");
    const bq = ctx.quantize(
      { dtype: "float64", shape: [b.length], data: b },
      outScale,
      "β − mean·γ/√(var+ε)",
    );
    const perChannel = a.length === C;
    const n = x.lo.length;
    const rows = new Array(n);
    const bias = new Array<bigint>(n);
    const extraErr = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const j = perChannel ? Math.floor(i / (inner / C)) % C : i % inner;
      rows[i] = { idx: Int32Array.of(i), coef: [aq.q[j] as bigint] };
      bias[i] = bq.q[j] as bigint;
      extraErr[i] = (aq.err[j] as number) * LowerCtx.magnitude(x, i) + (bq.err[j] as number);
    }
    const y = ctx.affine(ctx.node.outputs[0] ?? "", x.shape, [x], rows, bias, outScale, extraErr);
    return [{ kind: "signal", q: y }];
  },
};

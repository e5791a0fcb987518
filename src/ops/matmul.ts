import type { LowerCtx, Value } from "../3-quantize/lower.js";
import { constantOperand, index2d, matmulRows } from "./matmul-rows.js";
import type { OpSpec } from "./op.js";

/**
 * MatMul with numpy semantics for a signal tensor times a constant matrix (either order). 1-D operands
 * get a dimension prepended (A) or appended (B) that is removed from the result; the signal side may
 * carry leading batch dimensions while the constant side is 1-D or 2-D. Scale: s_signal + s_param.
 */
export const matmul: OpSpec = {
  opType: "MatMul",
  summary: "signal × constant (either order), 1-D and 2-D, batch dims on the signal side",
  lower(ctx: LowerCtx): Value[] {
    const aConst = constantOperand(ctx) === 0;
    let aShape = ctx.shapeOf(0);
    let bShape = ctx.shapeOf(1);
    const aVec = aShape.length === 1;
    const bVec = bShape.length === 1;
    if (aVec) aShape = [1, aShape[0] as number];
    if (bVec) bShape = [bShape[0] as number, 1];
    const constShape = aConst ? aShape : bShape;
    if (constShape.length !== 2)
      ctx.error(
        "unsupported-op",
        `a constant operand of rank ${constShape.length} (batched weights) is not supported yet`,
      );
    const batch = (aConst ? bShape : aShape).slice(0, -2);
    const M = aShape[aShape.length - 2] as number;
    const K = aShape[aShape.length - 1] as number;
    const K2 = bShape[bShape.length - 2] as number;
    const N = bShape[bShape.length - 1] as number;
    if (K !== K2)
      ctx.error("bad-shape", `inner dimensions differ: [${ctx.shapeOf(0)}] × [${ctx.shapeOf(1)}]`);

    const x = ctx.signal(aConst ? 1 : 0);
    const w = ctx.quantize(ctx.constant(aConst ? 0 : 1, "the weight"), ctx.scales.paramScale, "the weight");
    const wIndex = index2d(constShape, false);
    const nBatch = batch.reduce((p, d) => p * d, 1);
    const xStride = aConst ? K * N : M * K;
    const xShape2d = aConst ? [K, N] : [M, K];
    const rows = [];
    const errs: number[] = [];
    for (let b = 0; b < nBatch; b++) {
      const local = index2d(xShape2d, false);
      const r = matmulRows(M, K, N, !aConst, x, (i, j) => b * xStride + local(i, j), w, wIndex);
      rows.push(...r.rows);
      errs.push(...r.extraErr);
    }
    const outShape = [...batch, ...(aVec ? [] : [M]), ...(bVec ? [] : [N])];
    const scale = x.scale + ctx.scales.paramScale;
    const bias = new Array<bigint>(rows.length).fill(0n);
    const y = ctx.affine(
      ctx.node.outputs[0] ?? "",
      outShape,
      [x],
      rows,
      bias,
      scale,
      Float64Array.from(errs),
    );
    return [{ kind: "signal", q: y }];
  },
};

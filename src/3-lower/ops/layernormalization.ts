import type { LowerCtx, Value } from "../lower.js";
import { broadcastIndex, broadcastShapes } from "./lib/broadcast.js";
import { normalizeBlocks, scaleShift } from "./lib/normalize.js";
import type { OpSpec } from "./op.js";

/**
 * LayerNormalization (opset 17): axis (negative counts from the end), epsilon, stash_type (the integer
 * arithmetic is exact, so any value is accepted); Scale and B broadcast to X[axis:]. Outputs Mean and
 * InvStdDev when requested (free: they fall out of the computation). Cost per element about
 * q − t + log2(n)/2 + 5 constraints (two products and a rescale), per normalized block one FloorSqrt and
 * one FloorDiv (normalize.ts); scale t + s_param with a constant Scale.
 */
export const layerNormalization: OpSpec = {
  opType: "LayerNormalization",
  summary: "axis, epsilon, stash_type; Mean/InvStdDev outputs; ~2 products + a rescale per element",
  lower(ctx: LowerCtx): Value[] {
    const x = ctx.signal(0);
    const rank = x.shape.length;
    const axis0 = ctx.int("axis", -1);
    const axis = axis0 < 0 ? axis0 + rank : axis0;
    if (axis < 0 || axis >= rank)
      ctx.error("bad-attribute", `axis=${axis0} is out of range for rank ${rank}`);
    const inner = x.shape.slice(axis);
    const n = inner.reduce((a, b) => a * b, 1);
    const idx = (i: number) => {
      const v = ctx.input(i);
      if (!v) return undefined;
      const shape = v.kind === "const" ? v.t.shape : v.q.shape;
      const b = broadcastShapes(inner, shape);
      if (!b || b.join() !== inner.join())
        ctx.error(
          "bad-shape",
          `input ${i} of shape [${shape}] does not broadcast to the normalized shape [${inner}]`,
        );
      const local = broadcastIndex(inner, shape);
      return { v, at: Int32Array.from({ length: x.lo.length }, (_, j) => local[j % n] as number) };
    };
    const gamma = idx(1) ?? ctx.error("bad-onnx", "input 1 (Scale) is required");
    const beta = idx(2);
    const norm = normalizeBlocks(ctx, x, n, ctx.float("epsilon", 1e-5));
    const y = scaleShift(ctx, norm.z, gamma.v, gamma.at, beta?.v, beta?.at ?? new Int32Array(0));
    const statShape = x.shape.map((d, k) => (k < axis ? d : 1));
    const outs: Value[] = [{ kind: "signal", q: y }];
    const [meanName, invName] = [ctx.node.outputs[1], ctx.node.outputs[2]];
    if (meanName) outs.push({ kind: "signal", q: ctx.alias(norm.mean(meanName), statShape) });
    else if (invName) outs.push({ kind: "signal", q: ctx.alias(norm.mean(""), statShape) });
    if (invName) outs.push({ kind: "signal", q: ctx.alias(norm.invStd(invName), statShape) });
    return outs;
  },
};
